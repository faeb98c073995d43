package dev.coffer.chaos.net;

import dev.coffer.client.NodeStatus;
import dev.coffer.client.PeerInfo;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * The statuses of the nodes that answered one poll (a dead, paused or slow node is simply absent),
 * and the questions the harness asks of them.
 *
 * @param clusterSize how many nodes the cluster has, answering or not
 * @param statuses    node id to the status it reported
 */
public record ClusterView(int clusterSize, Map<String, NodeStatus> statuses) {
  public static final String LEADER = "LEADER";

  public ClusterView {
    statuses = Map.copyOf(statuses);
  }

  public Optional<NodeStatus> status(String id) {
    return Optional.ofNullable(statuses.get(id));
  }

  /**
   * The leader a majority of the cluster follows: a node reporting LEADER at the highest term any node
   * reports, with enough nodes (itself included) naming it as leader at that term to form a majority.
   * A cut-off old leader still calling itself LEADER at an older term does not count.
   */
  public Optional<String> stableLeader() {
    long highestTerm = statuses.values().stream().mapToLong(NodeStatus::term).max().orElse(-1);
    for (NodeStatus s : statuses.values()) {
      if (LEADER.equals(s.role()) && s.term() == highestTerm) {
        long followers = statuses.values().stream()
            .filter(o -> o.term() == highestTerm && (o == s || s.nodeId().equals(o.leaderId()))).count();
        if (followers > clusterSize / 2) {
          return Optional.of(s.nodeId());
        }
      }
    }
    return Optional.empty();
  }

  /** Some node other than {@code formerLeader} reports LEADER (at any term). */
  public Optional<String> leaderOtherThan(String formerLeader) {
    return statuses.values().stream()
        .filter(s -> LEADER.equals(s.role()) && !s.nodeId().equals(formerLeader))
        .map(NodeStatus::nodeId).findFirst();
  }

  /** {@code id} is a voting member according to the stable leader, and says so itself (not a listener). */
  public boolean isVoter(String id) {
    Optional<NodeStatus> self = status(id);
    Optional<NodeStatus> leader = stableLeader().flatMap(this::status);
    if (self.isEmpty() || leader.isEmpty() || "LISTENER".equals(self.get().role())) {
      return false;
    }
    return leader.get().peers().stream().anyMatch(p -> p.id().equals(id) && p.voter());
  }

  /**
   * Every one of {@code ids} answered, all are voters with the full peer list, and they have applied
   * exactly the same committed prefix of the log (only possible while no writes are running).
   */
  public boolean converged(Collection<String> ids) {
    if (!statuses.keySet().containsAll(ids) || stableLeader().isEmpty()) {
      return false;
    }
    long applied = statuses.get(ids.iterator().next()).appliedIndex();
    for (String id : ids) {
      NodeStatus s = statuses.get(id);
      boolean allVoters = s.peers().size() == clusterSize && s.peers().stream().allMatch(PeerInfo::voter);
      if (!allVoters || s.appliedIndex() != applied || s.commitIndex() != applied) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    statuses.values().stream().sorted((x, y) -> x.nodeId().compareTo(y.nodeId())).forEach(s ->
        b.append(String.format("%s %s term=%d commit=%d applied=%d leader=%s; ", s.nodeId(), s.role(), s.term(),
            s.commitIndex(), s.appliedIndex(), s.leaderId())));
    return b.length() == 0 ? "(no node answered)" : b.toString();
  }
}
