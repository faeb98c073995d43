package dev.coffer.check;

import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** The reply to a {@link SetOp}: an add acknowledged, the elements a read saw, or no reply. */
public record SetResult(Kind kind, Set<String> elements) {
  public enum Kind { OK, ELEMENTS, UNKNOWN }

  private static final int BRIEF_LIMIT = 20;
  private static final SetResult OK_RESULT = new SetResult(Kind.OK, Set.of());
  private static final SetResult UNKNOWN_RESULT = new SetResult(Kind.UNKNOWN, Set.of());

  public SetResult {
    if (kind == null) {
      throw new IllegalArgumentException("a result needs a kind");
    }
    elements = Set.copyOf(elements);
  }

  public static SetResult ok() {
    return OK_RESULT;
  }

  public static SetResult elements(Set<String> elements) {
    return new SetResult(Kind.ELEMENTS, elements);
  }

  public static SetResult unknown() {
    return UNKNOWN_RESULT;
  }

  /** A set for a message: sorted, and cut short when large. */
  static String brief(Set<String> elements) {
    if (elements.size() <= BRIEF_LIMIT) {
      return new TreeSet<>(elements).toString();
    }
    String first = new TreeSet<>(elements).stream().limit(BRIEF_LIMIT).collect(Collectors.joining(", "));
    return elements.size() + " elements [" + first + ", ...]";
  }

  @Override
  public String toString() {
    return switch (kind) {
      case OK -> "ok";
      case ELEMENTS -> brief(elements);
      case UNKNOWN -> "no reply";
    };
  }
}
