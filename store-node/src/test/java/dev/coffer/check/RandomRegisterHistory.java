package dev.coffer.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates linearizable register histories by running the store's semantics sequentially and then
 * giving each operation a time interval around the instant it took effect. Versions are a global
 * log index, as in the store.
 */
final class RandomRegisterHistory {
  private final Random random;
  private final Map<String, RegisterState> store = new HashMap<>();
  private long logIndex;

  RandomRegisterHistory(long seed) {
    this.random = new Random(seed);
  }

  /**
   * {@code count} operations over {@code keys} keys, one taking effect every 10 time units. With
   * {@code spread} 0 the history is sequential; otherwise each call and return lies up to
   * {@code spread} units from that instant, so neighbours overlap. A {@code noReplyPercent} share of
   * the writes lose their reply; half of those never take effect at all.
   */
  List<Operation<RegisterOp, RegisterResult>> generate(int count, int keys, int spread, int noReplyPercent) {
    List<Operation<RegisterOp, RegisterResult>> history = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long at = 10L * i + spread;
      long call = at - (spread == 0 ? 0 : random.nextInt(spread));
      long ret = at + (spread == 0 ? 1 : random.nextInt(spread));
      String key = "k" + random.nextInt(keys);
      RegisterOp input = nextInput(key, i);
      boolean isWrite = input.kind() != RegisterOp.Kind.GET;
      if (isWrite && random.nextInt(100) < noReplyPercent) {
        if (random.nextBoolean()) {
          apply(input);
        }
        history.add(Operation.pending(i % 7, input, call, RegisterResult.unknown()));
      } else {
        history.add(Operation.completed(i % 7, input, call, ret, apply(input)));
      }
    }
    return history;
  }

  private RegisterOp nextInput(String key, int i) {
    int dice = random.nextInt(10);
    RegisterState current = store.getOrDefault(key, RegisterState.ABSENT);
    if (dice < 4) {
      return RegisterOp.get(key);
    }
    if (dice < 8) {
      return RegisterOp.put(key, "v" + i);
    }
    if (dice < 9) {
      return RegisterOp.delete(key);
    }
    boolean matching = current.present() && random.nextBoolean();
    return RegisterOp.putIfVersion(key, matching ? current.version() : 1 + random.nextInt((int) logIndex + 1), "v" + i);
  }

  /** Runs one operation against the simulated store and returns its reply. */
  private RegisterResult apply(RegisterOp op) {
    RegisterState current = store.getOrDefault(op.key(), RegisterState.ABSENT);
    switch (op.kind()) {
      case GET:
        return current.present() ? RegisterResult.value(current.value(), current.version()) : RegisterResult.notFound();
      case DELETE:
        logIndex++;
        store.put(op.key(), RegisterState.ABSENT);
        return RegisterResult.deleted(current.present());
      case PUT_IF_VERSION:
        if (!current.present() || current.version() != op.expectedVersion()) {
          return RegisterResult.conflict();
        }
        // fall through: the condition holds
      default:
        logIndex++;
        store.put(op.key(), RegisterState.of(op.value(), logIndex));
        return RegisterResult.ok(logIndex);
    }
  }

  /** A copy of {@code history} with the value of its {@code n}-th successful read changed. */
  static List<Operation<RegisterOp, RegisterResult>> withReadChanged(List<Operation<RegisterOp, RegisterResult>> history,
      int n) {
    List<Operation<RegisterOp, RegisterResult>> changed = new ArrayList<>(history);
    int seen = 0;
    for (int i = 0; i < changed.size(); i++) {
      Operation<RegisterOp, RegisterResult> op = changed.get(i);
      if (op.output().kind() == RegisterResult.Kind.VALUE && seen++ == n) {
        RegisterResult wrong = RegisterResult.value(op.output().value() + "-changed", op.output().version());
        changed.set(i, Operation.completed(op.clientId(), op.input(), op.call(), op.returnTime(), wrong));
        return changed;
      }
    }
    throw new IllegalArgumentException("the history has fewer than " + (n + 1) + " successful reads");
  }
}
