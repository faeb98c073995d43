package dev.coffer.node.raft;

import dev.coffer.node.NodeConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings back a node whose disk was lost. It has forgotten its votes and its log, so it must not
 * vote or count toward a commit until it has caught up. Every step is a Ratis membership change
 * (joint consensus) committed by the healthy voters:
 * <ol>
 *   <li>before its Raft server starts, the others remove it from the configuration — this also
 *       makes the leader forget how far it believed the node's log went;
 *   <li>its Raft server starts empty, as a listener, and the leader adds it as a listener, which
 *       stages it (snapshot install plus log) until it has nearly caught up;
 *   <li>once it has applied everything committed at that point, it becomes a voter again.
 * </ol>
 */
public final class DiskLossRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(DiskLossRecovery.class);

  private final NodeConfig config;

  public DiskLossRecovery(NodeConfig config) {
    this.config = config;
  }

  /** Step 1: the other voters remove this node from the group. */
  public void removeSelf(Duration timeout) throws IOException {
    LOG.info("Node {} lost its data; asking the cluster to remove it before it rejoins", config.nodeId());
    setConfiguration(others(), List.of(), timeout);
    LOG.info("Node {} removed from the voters", config.nodeId());
  }

  /**
   * Step 2: with this node's Raft server running, the leader adds it as a listener. Returns the
   * commit index once that change is committed: this node may vote again after applying it.
   */
  public long joinAsListener(Duration timeout) throws IOException {
    RaftClientReply reply = setConfiguration(others(), List.of(self(RaftPeerRole.LISTENER)), timeout);
    long commitIndex = reply.getCommitInfos().stream().mapToLong(CommitInfoProto::getCommitIndex).max().orElse(0);
    if (commitIndex <= 0) {
      throw new IOException("the cluster reported no commit index after adding node " + config.nodeId()
          + " as a listener: " + reply);
    }
    LOG.info("Node {} is a listener; it will vote again once it has applied index {}", config.nodeId(), commitIndex);
    return commitIndex;
  }

  /** Step 3a: wait until this node has applied everything up to {@code index}. */
  public void awaitCaughtUp(long index, LongSupplier appliedIndex, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (appliedIndex.getAsLong() < index) {
      if (System.nanoTime() > deadline) {
        throw new IOException("node " + config.nodeId() + " did not catch up to index " + index + " within "
            + timeout + " (applied " + appliedIndex.getAsLong() + ")");
      }
      sleep(200);
    }
    LOG.info("Node {} caught up to index {}", config.nodeId(), index);
  }

  /** Step 3b: make this node a voter again. */
  public void promoteSelf(Duration timeout) throws IOException {
    List<RaftPeer> voters = new ArrayList<>(others());
    voters.add(self(RaftPeerRole.FOLLOWER));
    setConfiguration(voters, List.of(), timeout);
    LOG.info("Node {} is a voter again", config.nodeId());
  }

  private RaftClientReply setConfiguration(List<RaftPeer> voters, List<RaftPeer> listeners, Duration timeout)
      throws IOException {
    SetConfigurationRequest.Arguments change = SetConfigurationRequest.Arguments.newBuilder()
        .setServersInNewConf(voters)
        .setListenersInNewConf(listeners)
        .build();
    long attempts = Math.max(1, timeout.toSeconds());
    try (RaftClient client = RaftClient.newBuilder()
        .setProperties(RaftSettings.clientProperties(config))
        .setRaftGroup(RaftGroup.valueOf(RaftGateway.GROUP_ID, others()))
        .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep((int) attempts,
            TimeDuration.valueOf(1, TimeUnit.SECONDS)))
        .build()) {
      RaftClientReply reply = client.admin().setConfiguration(change);
      if (!reply.isSuccess()) {
        throw new IOException("membership change " + change + " failed: " + reply.getException());
      }
      return reply;
    }
  }

  private List<RaftPeer> others() {
    List<RaftPeer> peers = new ArrayList<>();
    config.peers().values().stream().filter(p -> !p.id().equals(config.nodeId()))
        .forEach(p -> peers.add(RaftGateway.peer(p, RaftPeerRole.FOLLOWER)));
    return peers;
  }

  private RaftPeer self(RaftPeerRole role) {
    return RaftGateway.peer(config.peers().get(config.nodeId()), role);
  }

  private static void sleep(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while catching up", e);
    }
  }
}
