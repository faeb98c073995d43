package dev.coffer.chaos.net;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Applies one fault to a {@link NetnsCluster} and says how to heal it. Targets are drawn from the seeded
 * {@link Random} over the node ids in their fixed order, so a seed replays the same choices (only "who
 * is leader right now" depends on timing).
 */
final class FaultInjector {
  private static final Duration REJOIN_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration MEMBERSHIP_TIMEOUT = Duration.ofSeconds(120);
  private dev.coffer.client.CofferClient admin;

  /** Undoes a fault: restarts, resumes or reconnects. */
  interface Heal {
    void run() throws Exception;
  }

  /**
   * A fault in place.
   *
   * @param target     whom it hit, for the log
   * @param leaderLost the leader is dead, frozen or cut from a majority: another node should take over
   * @param heal       how to undo it (for WIPE_DISK, waits until the node is a voter again)
   */
  record ActiveFault(String target, boolean leaderLost, Heal heal) {}

  private final NetnsCluster cluster;
  private final Random random;

  FaultInjector(NetnsCluster cluster, Random random) {
    this.cluster = cluster;
    this.random = random;
  }

  ActiveFault inject(FaultKind kind, String leader) {
    List<String> ids = cluster.ids();
    return switch (kind) {
      case KILL_LEADER -> kill(leader, leader);
      case KILL_RANDOM -> kill(pick(ids), leader);
      case PAUSE -> pause(random.nextBoolean() ? leader : pick(ids), leader);
      case PARTITION_ONE -> isolate(pick(ids), leader);
      case PARTITION_LEADER -> isolate(leader, leader);
      case PARTITION_MAJORITY_MINORITY -> majorityMinority(leader);
      case PARTITION_RING -> ring(leader);
      case PARTITION_BRIDGE -> bridge(leader);
      case WIPE_DISK -> wipe(pick(ids), leader);
      case MEMBERSHIP_CHANGE -> replaceFollower(leader);
    };
  }

  /**
   * Hands leadership to another voter, then replaces a follower the way an operator replaces a
   * machine: remove it from the group, wipe it, start it empty to join, and add it back (a
   * listener caught up by snapshot, then a voter). The heal is the add.
   */
  private ActiveFault replaceFollower(String leader) {
    List<String> followers = new ArrayList<>(cluster.ids());
    followers.remove(leader);
    String successor = pick(followers);
    try {
      admin().transferLeadership(successor, false, MEMBERSHIP_TIMEOUT);
    } catch (dev.coffer.client.CofferException e) {
      // Ratis refuses a transfer to a voter that is not caught up; the replacement goes on regardless.
      successor = leader;
    }
    List<String> others = new ArrayList<>(cluster.ids());
    others.remove(successor);
    String replaced = pick(others);
    try {
      admin().removeMember(replaced, false, MEMBERSHIP_TIMEOUT);
    } catch (dev.coffer.client.InvalidArgumentException refused) {
      // The quorum safety check: removing it now would leave too few healthy voters. Correct, not a fault.
      return new ActiveFault("leader to " + successor + ", removal of " + replaced + " refused: "
          + refused.getMessage(), false, () -> { });
    }
    cluster.wipe(replaced);
    try {
      cluster.startJoining(replaced);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    String target = "leader to " + successor + ", replace " + replaced;
    return new ActiveFault(target, false, () -> {
      admin().addMember(replaced, cluster.clientAddress(replaced), false, MEMBERSHIP_TIMEOUT);
      cluster.awaitVoter(replaced, REJOIN_TIMEOUT);
    });
  }

  private dev.coffer.client.CofferClient admin() {
    if (admin == null) {
      admin = dev.coffer.client.CofferClient.builder().endpoints(cluster.endpoints())
          .operationTimeout(MEMBERSHIP_TIMEOUT).build();
    }
    return admin;
  }

  void close() {
    if (admin != null) {
      admin.close();
    }
  }

  private ActiveFault kill(String node, String leader) {
    cluster.kill(node);
    return new ActiveFault(node, node.equals(leader), () -> cluster.start(node));
  }

  private ActiveFault pause(String node, String leader) {
    cluster.pause(node);
    return new ActiveFault(node, node.equals(leader), () -> cluster.resume(node));
  }

  private ActiveFault wipe(String node, String leader) {
    cluster.wipe(node);
    return new ActiveFault(node, node.equals(leader), () -> {
      cluster.start(node);
      cluster.awaitVoter(node, REJOIN_TIMEOUT);
    });
  }

  private ActiveFault isolate(String node, String leader) {
    List<String> rest = new ArrayList<>(cluster.ids());
    rest.remove(node);
    return partition(Partitions.isolate(cluster.ids(), node), node + " | " + String.join(",", rest), leader);
  }

  private ActiveFault majorityMinority(String leader) {
    List<String> shuffled = shuffled();
    int minoritySize = 1 + random.nextInt((shuffled.size() - 1) / 2);
    List<String> minority = List.copyOf(shuffled.subList(0, minoritySize));
    List<String> majority = List.copyOf(shuffled.subList(minoritySize, shuffled.size()));
    return partition(Partitions.between(List.of(Set.copyOf(minority), Set.copyOf(majority))),
        String.join(",", minority) + " | " + String.join(",", majority), leader);
  }

  private ActiveFault ring(String leader) {
    List<String> circle = shuffled();
    Set<HostPair> cuts = Partitions.ring(circle);
    String target = "ring " + String.join("-", circle) + (cuts.isEmpty() ? " (3 nodes: nothing cut)" : "");
    return partition(cuts, target, leader);
  }

  private ActiveFault bridge(String leader) {
    List<String> order = shuffled();
    String bridge = order.get(0);
    List<String> others = order.subList(1, order.size());
    List<String> reordered = new ArrayList<>(others);
    reordered.add(bridge);
    int half = others.size() / 2;
    String target = String.join(",", others.subList(0, half)) + " | bridge " + bridge + " | "
        + String.join(",", others.subList(half, others.size()));
    return partition(Partitions.bridge(reordered, bridge), target, leader);
  }

  private ActiveFault partition(Set<HostPair> cuts, String target, String leader) {
    NetnsHosts hosts = cluster.hosts();
    hosts.cutAll(cuts);
    int reachable = Partitions.reachableFrom(cluster.ids(), cuts, leader).size();
    return new ActiveFault(target, reachable <= cluster.ids().size() / 2, hosts::healAll);
  }

  private String pick(List<String> ids) {
    return ids.get(random.nextInt(ids.size()));
  }

  private List<String> shuffled() {
    List<String> order = new ArrayList<>(cluster.ids());
    Collections.shuffle(order, random);
    return order;
  }
}
