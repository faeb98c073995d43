package dev.coffer.chaos.net;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Partition shapes as the set of host pairs to cut. Pure functions of the host list (in its order),
 * so the shapes are testable without namespaces and a seeded nemesis stays deterministic.
 */
public final class Partitions {
  private Partitions() {}

  /**
   * No traffic between hosts of different components; hosts inside one component still talk.
   * Hosts named in no component keep talking to everyone.
   */
  public static Set<HostPair> between(List<Set<String>> components) {
    Set<String> seen = new HashSet<>();
    for (Set<String> component : components) {
      for (String host : component) {
        if (!seen.add(host)) {
          throw new IllegalArgumentException(host + " is in more than one component of " + components);
        }
      }
    }
    Set<HostPair> cuts = new LinkedHashSet<>();
    for (int i = 0; i < components.size(); i++) {
      for (int j = i + 1; j < components.size(); j++) {
        for (String a : components.get(i)) {
          for (String b : components.get(j)) {
            cuts.add(new HostPair(a, b));
          }
        }
      }
    }
    return cuts;
  }

  /** {@code host} alone, the others together. */
  public static Set<HostPair> isolate(List<String> hosts, String host) {
    requireMember(hosts, host);
    List<String> rest = new ArrayList<>(hosts);
    rest.remove(host);
    return between(List.of(Set.of(host), Set.copyOf(rest)));
  }

  /**
   * Hosts in a circle (list order, last next to first): each one reaches only its two neighbours.
   * With 5 hosts every node sees a different majority (itself and two neighbours), so no single
   * leader can stay in touch with every majority. With 4 hosts each sees 3 of 4 (still a majority,
   * opposite corners cut). With 3 hosts every host is its neighbours' neighbour: the ring degenerates
   * to no cut at all.
   */
  public static Set<HostPair> ring(List<String> hosts) {
    if (hosts.size() < 3) {
      throw new IllegalArgumentException("a ring needs at least 3 hosts, got " + hosts);
    }
    int n = hosts.size();
    Set<HostPair> cuts = new LinkedHashSet<>();
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        int distance = Math.min(j - i, n - (j - i));
        if (distance > 1) {
          cuts.add(new HostPair(hosts.get(i), hosts.get(j)));
        }
      }
    }
    return cuts;
  }

  /**
   * The other hosts (in list order) split into two halves that cannot reach each other; {@code bridge}
   * reaches both. With 3 hosts: the two others are cut from each other and both see the bridge; with 5:
   * two pairs, each a majority together with the bridge.
   */
  public static Set<HostPair> bridge(List<String> hosts, String bridge) {
    requireMember(hosts, bridge);
    if (hosts.size() < 3) {
      throw new IllegalArgumentException("a bridge needs at least 3 hosts, got " + hosts);
    }
    List<String> others = new ArrayList<>(hosts);
    others.remove(bridge);
    int half = others.size() / 2;
    return between(List.of(Set.copyOf(others.subList(0, half)), Set.copyOf(others.subList(half, others.size()))));
  }

  /** The hosts {@code host} can still reach with {@code cuts} in place (itself included). */
  public static Set<String> reachableFrom(List<String> hosts, Set<HostPair> cuts, String host) {
    Set<String> reachable = new LinkedHashSet<>();
    for (String other : hosts) {
      if (other.equals(host) || !cuts.contains(new HostPair(host, other))) {
        reachable.add(other);
      }
    }
    return reachable;
  }

  private static void requireMember(List<String> hosts, String host) {
    if (!hosts.contains(host)) {
      throw new IllegalArgumentException(host + " is not one of " + hosts);
    }
  }
}
