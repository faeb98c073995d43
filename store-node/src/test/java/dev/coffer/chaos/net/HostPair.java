package dev.coffer.chaos.net;

import java.util.Objects;

/** An unordered pair of hosts: the unit a network fault cuts, in both directions at once. */
public record HostPair(String first, String second) {
  public HostPair {
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(second, "second");
    if (first.equals(second)) {
      throw new IllegalArgumentException("a host cannot be cut from itself: " + first);
    }
    if (first.compareTo(second) > 0) {
      String swap = first;
      first = second;
      second = swap;
    }
  }

  public boolean contains(String host) {
    return first.equals(host) || second.equals(host);
  }

  @Override
  public String toString() {
    return first + "/" + second;
  }
}
