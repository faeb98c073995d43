package dev.coffer.check;

/** An operation on a grow-only set: add an element (each at most once), or read the whole set. */
public record SetOp(Kind kind, String element) {
  public enum Kind { ADD, READ }

  public SetOp {
    if (kind == null || (kind == Kind.ADD) != (element != null)) {
      throw new IllegalArgumentException("an add needs an element and a read has none");
    }
  }

  public static SetOp add(String element) {
    return new SetOp(Kind.ADD, element);
  }

  public static SetOp read() {
    return new SetOp(Kind.READ, null);
  }

  @Override
  public String toString() {
    return kind == Kind.ADD ? "add " + element : "read";
  }
}
