package dev.coffer.node.raft;

import dev.coffer.node.NodeConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.proto.RaftProtos.RaftConfigurationProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.ProtoUtils;
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
 * Each step starts from the cluster's replicated configuration, asked of the members this node
 * knows, never from this node's configuration file: members may have been added and removed
 * since the file was written. The members it knows are those its file names, or, when none of
 * those is up any more, those a live member reports ({@code --join ADDRESS}, see MemberLookup).
 */
public final class DiskLossRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(DiskLossRecovery.class);

  private final NodeConfig config;
  /** Whom to ask for the cluster's configuration, this node excluded, and where that list came from. */
  private final List<RaftPeer> known;
  private final String knownFrom;

  private final Parameters parameters;

  /** Asks the members this node's configuration file names; {@code parameters}: see RaftSettings.parameters. */
  public DiskLossRecovery(NodeConfig config, Parameters parameters) {
    this(config, parameters, config.peers().values().stream().filter(p -> !p.id().equals(config.nodeId())).toList(),
        config.nodeId() + "'s configuration file");
  }

  /** Asks {@code known} (e.g. the members a live member reported), described as {@code knownFrom}. */
  public DiskLossRecovery(NodeConfig config, Parameters parameters, List<NodeConfig.Peer> known, String knownFrom) {
    this.config = config;
    this.parameters = parameters;
    this.known = known.stream().filter(p -> !p.id().equals(config.nodeId()))
        .map(p -> RaftGateway.peer(p, RaftPeerRole.FOLLOWER)).toList();
    this.knownFrom = knownFrom;
  }

  /** Step 1: the other voters remove this node from the group. */
  public void removeSelf(Duration timeout) throws IOException {
    LOG.info("Node {} lost its data; asking the cluster to remove it before it rejoins", config.nodeId());
    changeMembers(now -> new Members(now.votersWithout(config.nodeId()), now.listenersWithout(config.nodeId())),
        timeout);
    LOG.info("Node {} removed from the voters", config.nodeId());
  }

  /**
   * Step 2: with this node's Raft server running, the leader adds it as a listener. Returns the
   * commit index once that change is committed: this node may vote again after applying it.
   */
  public long joinAsListener(Duration timeout) throws IOException {
    RaftClientReply reply = changeMembers(now -> {
      List<RaftPeer> listeners = new ArrayList<>(now.listenersWithout(config.nodeId()));
      listeners.add(self(RaftPeerRole.LISTENER));
      return new Members(now.votersWithout(config.nodeId()), listeners);
    }, timeout);
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
    changeMembers(now -> {
      List<RaftPeer> voters = new ArrayList<>(now.votersWithout(config.nodeId()));
      voters.add(self(RaftPeerRole.FOLLOWER));
      return new Members(voters, now.listenersWithout(config.nodeId()));
    }, timeout);
    LOG.info("Node {} is a voter again", config.nodeId());
  }

  /**
   * Reads the cluster's configuration, computes the next one with {@code change}, and asks for it
   * as a compare-and-set: the leader refuses it if its configuration is not the one read (a stale
   * answer, or a change made meanwhile), and then it is read again, until {@code timeout}.
   */
  private RaftClientReply changeMembers(UnaryOperator<Members> change, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Members now = currentMembers(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
      Members next = change.apply(now);
      SetConfigurationRequest.Arguments request = SetConfigurationRequest.Arguments.newBuilder()
          .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
          .setServersInCurrentConf(now.voters())
          .setListenersInCurrentConf(now.listeners())
          .setServersInNewConf(next.voters())
          .setListenersInNewConf(next.listeners())
          .build();
      try (RaftClient client = RaftClient.newBuilder()
          .setProperties(RaftSettings.clientProperties(config))
        .setParameters(parameters)
          .setRaftGroup(RaftGroup.valueOf(RaftGateway.GROUP_ID, dialable(now.votersWithout(config.nodeId()))))
          .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(5, TimeDuration.valueOf(1, TimeUnit.SECONDS)))
          .build()) {
        String failure;
        try {
          RaftClientReply reply = client.admin().setConfiguration(request);
          if (reply.isSuccess()) {
            return reply;
          }
          failure = String.valueOf(reply.getException());
        } catch (IOException e) {
          failure = e.toString();
        }
        if (System.nanoTime() > deadline) {
          throw new IOException("membership change from voters " + ids(now.voters()) + ", listeners "
              + ids(now.listeners()) + " to voters " + ids(next.voters()) + ", listeners " + ids(next.listeners())
              + " failed: " + failure);
        }
        LOG.info("Membership change to voters {}, listeners {} refused ({}); reading the configuration again",
            ids(next.voters()), ids(next.listeners()), failure);
      }
      sleep(1_000);
    }
  }

  /** The voters and listeners of the cluster's configuration, as committed. */
  record Members(List<RaftPeer> voters, List<RaftPeer> listeners) {
    List<RaftPeer> votersWithout(String id) {
      return voters.stream().filter(p -> !p.getId().toString().equals(id)).toList();
    }

    List<RaftPeer> listenersWithout(String id) {
      return listeners.stream().filter(p -> !p.getId().toString().equals(id)).toList();
    }
  }

  /**
   * The cluster's current configuration: every member this node knows is asked, and the
   * leader's answer is taken (any member's if none says it leads: a stale one is refused by the
   * compare-and-set). Retried until {@code timeout} while nobody answers or the configuration is
   * joint (a change under way).
   */
  Members currentMembers(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (RaftClient client = RaftClient.newBuilder()
        .setProperties(RaftSettings.clientProperties(config))
        .setParameters(parameters)
        .setRaftGroup(RaftGroup.valueOf(RaftGateway.GROUP_ID, dialable(known)))
        .setRetryPolicy(RetryPolicies.noRetry())
        .build()) {
      boolean warned = false;
      while (true) {
        RaftConfigurationProto newest = null;
        for (RaftPeer peer : known) {
          try {
            GroupInfoReply info = client.getGroupManagementApi(peer.getId()).info(RaftGateway.GROUP_ID);
            boolean leader = info.getRoleInfoProto().getRole() == RaftPeerRole.LEADER;
            if (info.getConf().isPresent() && (newest == null || leader)) {
              newest = info.getConf().get();
            }
          } catch (IOException | RuntimeException e) {
            LOG.debug("{} did not say the cluster's configuration: {}", peer.getId(), e.toString());
          }
        }
        if (newest != null && newest.getOldPeersCount() == 0 && newest.getOldListenersCount() == 0) {
          return new Members(ProtoUtils.toRaftPeers(newest.getPeersList()),
              ProtoUtils.toRaftPeers(newest.getListenersList()));
        }
        if (newest == null && !warned) {
          // The wait can be long (until the timeout): say at once what it waits for, and the way out.
          LOG.warn("No member named in {} ({}) answers yet; trying for up to {} s. If none of them is up any "
              + "more, stop this node and start it with --join CLIENT_ADDRESS of a live member", knownFrom,
              ids(known), timeout.toSeconds());
          warned = true;
        }
        if (System.nanoTime() > deadline) {
          throw new IOException(newest == null
              ? "no member of the cluster named in " + knownFrom + " (" + ids(known) + ") answered within "
                  + timeout.toSeconds() + " s; if none of them is up any more, start this node with --join CLIENT_ADDRESS "
                  + "of a live member"
              : "the cluster's configuration was still changing after " + timeout);
        }
        sleep(1_000);
      }
    }
  }

  /**
   * The peers as a RaftClient must see them: Coffer's peers carry the Coffer client address in
   * Ratis's client-address field (see RaftGateway.peer), which Ratis's client would dial.
   */
  private static List<RaftPeer> dialable(List<RaftPeer> peers) {
    return peers.stream().map(p -> RaftPeer.newBuilder().setId(p.getId()).setAddress(p.getAddress()).build())
        .toList();
  }

  private static List<String> ids(List<RaftPeer> peers) {
    return peers.stream().map(p -> p.getId().toString()).toList();
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
