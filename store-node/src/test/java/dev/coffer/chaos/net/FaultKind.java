package dev.coffer.chaos.net;

import java.util.List;

/** The faults a {@link Nemesis} injects. */
public enum FaultKind {
  /** {@code kill -9} the leader, restart it on its data after the fault length. */
  KILL_LEADER,
  /** {@code kill -9} a random node (perhaps the leader), restart it after the fault length. */
  KILL_RANDOM,
  /** SIGSTOP the leader or a random node (a coin toss), SIGCONT after the fault length. */
  PAUSE,
  /** A random node cut off from all others. */
  PARTITION_ONE,
  /** The leader cut off from all others. */
  PARTITION_LEADER,
  /** A random minority (1 to (n-1)/2 nodes) cut off from the rest. */
  PARTITION_MAJORITY_MINORITY,
  /** Nodes in a random circle, each seeing only its two neighbours; with 3 nodes nothing is cut. */
  PARTITION_RING,
  /** The others split into two halves that cannot see each other but both see one random node. */
  PARTITION_BRIDGE,
  /** {@code kill -9} a random node, delete its data, restart it empty: it must rejoin and become a voter. */
  WIPE_DISK,
  /**
   * Leadership handed to another voter, then a follower replaced: removed, wiped, started to join,
   * added back. The removal is skipped (and noted) when the leader refuses it because too few voters
   * would be healthy, as it should while a node is still catching up from the fault before.
   */
  MEMBERSHIP_CHANGE;

  /** Every kind, in declaration order. */
  public static List<FaultKind> all() {
    return List.of(values());
  }
}
