package dev.coffer.check;

/** An operation of the key-value-with-append histories: get, put or append on one key. */
public record KvInput(Kind kind, String key, String value) {
  public enum Kind { GET, PUT, APPEND }

  public KvInput {
    if (kind == null || key == null || (kind != Kind.GET && value == null)) {
      throw new IllegalArgumentException("a key-value operation needs a kind, a key, and a value unless it is a get");
    }
  }

  @Override
  public String toString() {
    return switch (kind) {
      case GET -> "get " + key;
      case PUT -> "put " + key + " \"" + value + "\"";
      case APPEND -> "append " + key + " \"" + value + "\"";
    };
  }
}
