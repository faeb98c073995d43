package dev.coffer.check;

/**
 * The reply to a {@link RegisterOp}. Versions are the store's: the log index of the write that made
 * the current value, so they grow with every write; {@link #UNKNOWN_VERSION} where one was not seen.
 */
public record RegisterResult(Kind kind, String value, long version, boolean existed) {
  public static final long UNKNOWN_VERSION = -1;

  public enum Kind {
    /** A put or put-if-version took effect, creating {@code version}. */
    OK,
    /** A get found {@code value} at {@code version}. */
    VALUE,
    /** A get found no such key. */
    NOT_FOUND,
    /** A delete took effect; {@code existed} tells whether there was something to delete. */
    DELETED,
    /** A put-if-version's condition did not hold; nothing changed. */
    CONFLICT,
    /** No reply: the operation may or may not have taken effect. */
    UNKNOWN
  }

  private static final RegisterResult NOT_FOUND_RESULT = bare(Kind.NOT_FOUND);
  private static final RegisterResult CONFLICT_RESULT = bare(Kind.CONFLICT);
  private static final RegisterResult UNKNOWN_RESULT = bare(Kind.UNKNOWN);

  public RegisterResult {
    if (kind == null || (kind == Kind.VALUE) != (value != null)) {
      throw new IllegalArgumentException("a result needs a kind, and a value exactly when it is VALUE");
    }
    if (kind == Kind.OK && version <= 0) {
      throw new IllegalArgumentException("a write creates a positive version, got " + version);
    }
  }

  private static RegisterResult bare(Kind kind) {
    return new RegisterResult(kind, null, UNKNOWN_VERSION, false);
  }

  public static RegisterResult ok(long version) {
    return new RegisterResult(Kind.OK, null, version, false);
  }

  public static RegisterResult value(String value, long version) {
    return new RegisterResult(Kind.VALUE, value, version, false);
  }

  /** A value read without its version: only the value is checked. */
  public static RegisterResult value(String value) {
    return value(value, UNKNOWN_VERSION);
  }

  public static RegisterResult notFound() {
    return NOT_FOUND_RESULT;
  }

  public static RegisterResult deleted(boolean existed) {
    return new RegisterResult(Kind.DELETED, null, UNKNOWN_VERSION, existed);
  }

  public static RegisterResult conflict() {
    return CONFLICT_RESULT;
  }

  public static RegisterResult unknown() {
    return UNKNOWN_RESULT;
  }

  @Override
  public String toString() {
    String v = version == UNKNOWN_VERSION ? "" : " v" + version;
    return switch (kind) {
      case OK -> "ok" + v;
      case VALUE -> "\"" + value + "\"" + v;
      case NOT_FOUND -> "not found";
      case DELETED -> existed ? "deleted" : "deleted (was absent)";
      case CONFLICT -> "conflict";
      case UNKNOWN -> "no reply";
    };
  }
}
