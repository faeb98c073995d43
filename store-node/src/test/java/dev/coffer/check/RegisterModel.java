package dev.coffer.check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A register per key with put, get, delete and put-if-version, checked per key.
 *
 * <p>Versions are the store's log indexes, which no model can predict, so the state learns them from
 * replies: a put's reply carries the version it created, a get's the version it read. A write whose
 * reply was lost leaves the version unknown; until a reply reveals it, a put-if-version may then
 * either succeed or conflict (permissive, never a false violation), and a get's version is taken as
 * the truth. Versions grow with every write, so a write that reports a version not above the known
 * one is illegal at that point — which also orders concurrent acknowledged writes and keeps the
 * search small.
 */
public final class RegisterModel implements Model<RegisterState, RegisterOp, RegisterResult> {
  @Override
  public RegisterState init() {
    return RegisterState.ABSENT;
  }

  @Override
  public Map<String, List<Operation<RegisterOp, RegisterResult>>> partition(
      List<Operation<RegisterOp, RegisterResult>> history) {
    Map<String, List<Operation<RegisterOp, RegisterResult>>> byKey = new TreeMap<>();
    for (Operation<RegisterOp, RegisterResult> op : history) {
      byKey.computeIfAbsent(op.input().key(), k -> new ArrayList<>()).add(op);
    }
    return new LinkedHashMap<>(byKey);
  }

  @Override
  public Step<RegisterState> step(RegisterState state, RegisterOp op, RegisterResult result) {
    return switch (op.kind()) {
      case PUT -> put(state, op, result);
      case GET -> get(state, result);
      case DELETE -> delete(state, result);
      case PUT_IF_VERSION -> putIfVersion(state, op, result);
    };
  }

  private static Step<RegisterState> put(RegisterState state, RegisterOp op, RegisterResult result) {
    return switch (result.kind()) {
      case UNKNOWN -> Step.to(RegisterState.of(op.value(), RegisterResult.UNKNOWN_VERSION));
      case OK -> newerVersion(state, result) ? Step.to(RegisterState.of(op.value(), result.version())) : Step.illegal();
      default -> Step.illegal(); // a put is only ever acknowledged with its version
    };
  }

  private static Step<RegisterState> get(RegisterState state, RegisterResult result) {
    return switch (result.kind()) {
      case UNKNOWN -> Step.to(state);
      case NOT_FOUND -> state.present() ? Step.illegal() : Step.to(state);
      case VALUE -> {
        boolean sameValue = state.present() && state.value().equals(result.value());
        boolean versionFits = !state.versionKnown() || result.version() == RegisterResult.UNKNOWN_VERSION
            || state.version() == result.version();
        if (!sameValue || !versionFits) {
          yield Step.illegal();
        }
        // A version read where ours was unknown is learnt, so later conditions are checked exactly.
        yield Step.to(state.versionKnown() ? state : RegisterState.of(state.value(), result.version()));
      }
      default -> Step.illegal();
    };
  }

  private static Step<RegisterState> delete(RegisterState state, RegisterResult result) {
    return switch (result.kind()) {
      case UNKNOWN -> Step.to(RegisterState.ABSENT);
      case DELETED -> result.existed() == state.present() ? Step.to(RegisterState.ABSENT) : Step.illegal();
      default -> Step.illegal();
    };
  }

  private static Step<RegisterState> putIfVersion(RegisterState state, RegisterOp op, RegisterResult result) {
    boolean mayHold = state.mayBeAt(op.expectedVersion());
    boolean mayFail = !state.present() || state.version() != op.expectedVersion();
    return switch (result.kind()) {
      // Taking effect needs the condition to hold; failing changes nothing, which is the same as the
      // search leaving this unanswered operation out.
      case UNKNOWN -> mayHold ? Step.to(RegisterState.of(op.value(), RegisterResult.UNKNOWN_VERSION)) : Step.illegal();
      case OK -> mayHold && result.version() > op.expectedVersion()
          ? Step.to(RegisterState.of(op.value(), result.version())) : Step.illegal();
      case CONFLICT -> mayFail ? Step.to(state) : Step.illegal();
      default -> Step.illegal();
    };
  }

  private static boolean newerVersion(RegisterState state, RegisterResult result) {
    return !state.versionKnown() || result.version() > state.version();
  }
}
