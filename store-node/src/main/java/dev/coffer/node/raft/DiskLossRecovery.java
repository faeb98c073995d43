package dev.coffer.node.raft;

import dev.coffer.node.NodeConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.ratis.client.RaftClient;
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
 * vote or count toward a commit until it has caught up: first the rest of the cluster makes it a
 * non-voting listener (before its Raft server even starts), then it catches up from the leader
 * (snapshot install plus log), then it asks to be a voter again. Both steps are Ratis membership
 * changes (joint consensus) committed by the healthy voters.
 */
public final class DiskLossRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(DiskLossRecovery.class);

  private final NodeConfig config;

  public DiskLossRecovery(NodeConfig config) {
    this.config = config;
  }

  /** Step 1: the other voters demote this node to a listener. Returns the log index of that change. */
  public long demoteSelf(Duration timeout) throws IOException {
    LOG.info("Node {} lost its data; asking the cluster to make it a non-voting listener", config.nodeId());
    RaftClientReply reply = setConfiguration(others(), List.of(self(RaftPeerRole.LISTENER)), timeout);
    LOG.info("Node {} is now a listener (configuration at index {})", config.nodeId(), reply.getLogIndex());
    return reply.getLogIndex();
  }

  /** Step 2: wait until this node has applied everything up to {@code index}. */
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

  /** Step 3: make this node a voter again. */
  public void promoteSelf(Duration timeout) throws IOException {
    List<RaftPeer> voters = new ArrayList<>(others());
    voters.add(self(RaftPeerRole.FOLLOWER));
    RaftClientReply reply = setConfiguration(voters, List.of(), timeout);
    LOG.info("Node {} is a voter again (configuration at index {})", config.nodeId(), reply.getLogIndex());
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
