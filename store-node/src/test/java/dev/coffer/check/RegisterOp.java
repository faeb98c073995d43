package dev.coffer.check;

/** A client call on one key of the store, as the register model sees it. */
public record RegisterOp(Kind kind, String key, String value, long expectedVersion) {
  public enum Kind { PUT, GET, DELETE, PUT_IF_VERSION }

  public RegisterOp {
    if (kind == null || key == null) {
      throw new IllegalArgumentException("an operation needs a kind and a key");
    }
    if ((kind == Kind.PUT || kind == Kind.PUT_IF_VERSION) != (value != null)) {
      throw new IllegalArgumentException(kind + " on " + key + ": a value is required for puts and only for them");
    }
    if (kind == Kind.PUT_IF_VERSION && expectedVersion <= 0) {
      throw new IllegalArgumentException("putIfVersion on " + key + ": versions are positive, got " + expectedVersion);
    }
  }

  public static RegisterOp put(String key, String value) {
    return new RegisterOp(Kind.PUT, key, value, 0);
  }

  public static RegisterOp get(String key) {
    return new RegisterOp(Kind.GET, key, null, 0);
  }

  public static RegisterOp delete(String key) {
    return new RegisterOp(Kind.DELETE, key, null, 0);
  }

  /** A put that only takes effect if the key exists at {@code expectedVersion}. */
  public static RegisterOp putIfVersion(String key, long expectedVersion, String value) {
    return new RegisterOp(Kind.PUT_IF_VERSION, key, value, expectedVersion);
  }

  @Override
  public String toString() {
    return switch (kind) {
      case PUT -> "put " + key + " = \"" + value + "\"";
      case GET -> "get " + key;
      case DELETE -> "delete " + key;
      case PUT_IF_VERSION -> "put " + key + " = \"" + value + "\" if version " + expectedVersion;
    };
  }
}
