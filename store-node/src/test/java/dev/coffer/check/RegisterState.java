package dev.coffer.check;

/** The register model's state for one key: absent, or a value at a version (possibly not yet known). */
public record RegisterState(boolean present, String value, long version) {
  public static final RegisterState ABSENT = new RegisterState(false, null, RegisterResult.UNKNOWN_VERSION);

  public static RegisterState of(String value, long version) {
    return new RegisterState(true, value, version);
  }

  boolean versionKnown() {
    return version != RegisterResult.UNKNOWN_VERSION;
  }

  /** Whether the key may be at {@code expected}: it exists and its version is that or not known. */
  boolean mayBeAt(long expected) {
    return present && (!versionKnown() || version == expected);
  }

  @Override
  public String toString() {
    if (!present) {
      return "absent";
    }
    return "\"" + value + "\"" + (versionKnown() ? " v" + version : " (version unknown)");
  }
}
