package dev.coffer.chaos.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PartitionsTest {
  private static final List<String> FIVE = List.of("n1", "n2", "n3", "n4", "n5");
  private static final List<String> THREE = List.of("n1", "n2", "n3");

  @Test
  void hostPair_isUnordered() {
    assertEquals(new HostPair("n2", "n1"), new HostPair("n1", "n2"));
    assertThrows(IllegalArgumentException.class, () -> new HostPair("n1", "n1"));
  }

  @Test
  void ring_fiveHosts_eachSeesOnlyItsNeighbours_andEachADifferentMajority() {
    Set<HostPair> cuts = Partitions.ring(FIVE);
    assertEquals(5, cuts.size(), "10 pairs, 5 of them neighbours");
    assertEquals(Set.of("n5", "n1", "n2"), Partitions.reachableFrom(FIVE, cuts, "n1"));
    assertEquals(Set.of("n2", "n3", "n4"), Partitions.reachableFrom(FIVE, cuts, "n3"));
    Set<Set<String>> views = new HashSet<>();
    for (String host : FIVE) {
      Set<String> view = Partitions.reachableFrom(FIVE, cuts, host);
      assertEquals(3, view.size(), host + " sees a bare majority");
      views.add(view);
    }
    assertEquals(5, views.size(), "no two hosts see the same majority");
  }

  @Test
  void ring_threeHosts_degeneratesToNoCut() {
    assertEquals(Set.of(), Partitions.ring(THREE));
    assertThrows(IllegalArgumentException.class, () -> Partitions.ring(List.of("n1", "n2")));
  }

  @Test
  void bridge_fiveHosts_halvesSeeTheBridgeButNotEachOther() {
    Set<HostPair> cuts = Partitions.bridge(FIVE, "n3");
    // others in order: n1,n2 | n4,n5
    assertEquals(Set.of("n1", "n2", "n3"), Partitions.reachableFrom(FIVE, cuts, "n1"));
    assertEquals(Set.of("n3", "n4", "n5"), Partitions.reachableFrom(FIVE, cuts, "n5"));
    assertEquals(Set.copyOf(FIVE), Partitions.reachableFrom(FIVE, cuts, "n3"));
  }

  @Test
  void bridge_threeHosts_cutsOnlyTheTwoOthers() {
    assertEquals(Set.of(new HostPair("n1", "n3")), Partitions.bridge(THREE, "n2"));
  }

  @Test
  void isolate_cutsTheHostFromEveryOtherAndNothingElse() {
    Set<HostPair> cuts = Partitions.isolate(FIVE, "n4");
    assertEquals(4, cuts.size());
    assertTrue(cuts.stream().allMatch(p -> p.contains("n4")));
    assertEquals(Set.of("n4"), Partitions.reachableFrom(FIVE, cuts, "n4"));
  }

  @Test
  void between_leavesUnnamedHostsConnected_andRejectsAHostInTwoComponents() {
    Set<HostPair> cuts = Partitions.between(List.of(Set.of("n1"), Set.of("n2", "n3")));
    assertEquals(Set.of(new HostPair("n1", "n2"), new HostPair("n1", "n3")), cuts);
    assertEquals(Set.copyOf(FIVE), Partitions.reachableFrom(FIVE, cuts, "n5"));
    assertThrows(IllegalArgumentException.class,
        () -> Partitions.between(List.of(Set.of("n1", "n2"), Set.of("n2"))));
  }
}
