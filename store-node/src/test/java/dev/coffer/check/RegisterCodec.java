package dev.coffer.check;

import java.util.List;
import java.util.function.Supplier;

/** Tokens for register operations, e.g. {@code put k v} / {@code ok 42}, for {@link HistoryFiles}. */
public final class RegisterCodec implements OpCodec<RegisterOp, RegisterResult> {
  public static final RegisterCodec INSTANCE = new RegisterCodec();

  private RegisterCodec() {}

  @Override
  public List<String> encodeInput(RegisterOp op) {
    return switch (op.kind()) {
      case PUT -> List.of("put", op.key(), op.value());
      case GET -> List.of("get", op.key());
      case DELETE -> List.of("delete", op.key());
      case PUT_IF_VERSION -> List.of("putIfVersion", op.key(), Long.toString(op.expectedVersion()), op.value());
    };
  }

  @Override
  public RegisterOp decodeInput(List<String> t) {
    String kind = t.isEmpty() ? "" : t.get(0);
    return switch (kind) {
      case "put" -> expect(t, 3, () -> RegisterOp.put(t.get(1), t.get(2)));
      case "get" -> expect(t, 2, () -> RegisterOp.get(t.get(1)));
      case "delete" -> expect(t, 2, () -> RegisterOp.delete(t.get(1)));
      case "putIfVersion" -> expect(t, 4, () -> RegisterOp.putIfVersion(t.get(1), Long.parseLong(t.get(2)), t.get(3)));
      default -> throw new IllegalArgumentException("unknown register operation: " + t);
    };
  }

  @Override
  public List<String> encodeOutput(RegisterResult r) {
    return switch (r.kind()) {
      case OK -> List.of("ok", Long.toString(r.version()));
      case VALUE -> List.of("value", r.value(), Long.toString(r.version()));
      case NOT_FOUND -> List.of("notFound");
      case DELETED -> List.of("deleted", Boolean.toString(r.existed()));
      case CONFLICT -> List.of("conflict");
      case UNKNOWN -> List.of("unknown");
    };
  }

  @Override
  public RegisterResult decodeOutput(List<String> t) {
    String kind = t.isEmpty() ? "" : t.get(0);
    return switch (kind) {
      case "ok" -> expect(t, 2, () -> RegisterResult.ok(Long.parseLong(t.get(1))));
      case "value" -> expect(t, 3, () -> RegisterResult.value(t.get(1), Long.parseLong(t.get(2))));
      case "notFound" -> expect(t, 1, RegisterResult::notFound);
      case "deleted" -> expect(t, 2, () -> RegisterResult.deleted(Boolean.parseBoolean(t.get(1))));
      case "conflict" -> expect(t, 1, RegisterResult::conflict);
      case "unknown" -> expect(t, 1, RegisterResult::unknown);
      default -> throw new IllegalArgumentException("unknown register result: " + t);
    };
  }

  private static <T> T expect(List<String> tokens, int count, Supplier<T> decode) {
    if (tokens.size() != count) {
      throw new IllegalArgumentException("expected " + count + " tokens, found " + tokens);
    }
    return decode.get();
  }
}
