package dev.coffer.node.raft;

import dev.coffer.proto.AddMember;
import dev.coffer.proto.MembershipRequest;
import dev.coffer.proto.MembershipResult;
import dev.coffer.proto.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.TransferLeadershipRequest;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.ReconfigurationInProgressException;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Membership changes, run on the leader one at a time: add a node (listener first, caught up by
 * the leader, then voter), remove a node, hand leadership over. A removal that would leave fewer
 * than a majority of healthy voters is refused: the cluster could not commit anything after it.
 */
public final class Membership {
  private static final Logger LOG = LoggerFactory.getLogger(Membership.class);
  private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration SETTLE_PAUSE = Duration.ofMillis(200);
  private static final int HAND_OVER_ATTEMPTS = 3;
  private static final Duration QUORUM_SETTLE = Duration.ofSeconds(3);
  private static final Duration HAND_OVER_PAUSE = Duration.ofSeconds(1);

  private final RaftGateway raft;
  private final ExecutorService worker;
  /** A follower that answered the leader within this time counts as healthy: a few heartbeats. */
  private final long healthyRpcMillis;
  private final ClientId clientId = ClientId.randomId();
  private final AtomicLong callIds = new AtomicLong();

  public Membership(RaftGateway raft, ExecutorService worker, Duration electionTimeoutMin) {
    this.healthyRpcMillis = electionTimeoutMin.toMillis();
    this.raft = raft;
    this.worker = worker;
  }

  public CompletableFuture<MembershipResult> change(MembershipRequest request) {
    if (!raft.isLeader()) {
      return CompletableFuture.failedFuture(new ClusterRejectedException(Status.NOT_LEADER,
          "membership changes are made by the leader", raft.leaderClientAddress()));
    }
    return CompletableFuture.supplyAsync(() -> switch (request.getChangeCase()) {
      case ADD -> add(request.getAdd(), request.getDryRun());
      case REMOVE -> remove(request.getRemove().getId(), request.getDryRun());
      case TRANSFER_LEADER -> transfer(request.getTransferLeader().getId(), request.getDryRun());
      case CHANGE_NOT_SET -> throw invalid("the membership request names no change");
    }, worker);
  }

  private MembershipResult add(AddMember add, boolean dryRun) {
    if (add.getId().isEmpty() || add.getRaftAddress().isEmpty() || add.getClientAddress().isEmpty()) {
      throw invalid("adding a member needs its id, Raft address and client address");
    }
    RaftConfiguration conf = conf();
    if (conf.getCurrentPeers(RaftPeerRole.FOLLOWER).stream().anyMatch(p -> id(p).equals(add.getId()))) {
      return result(dryRun, add.getId() + " is already a voter; nothing to do");
    }
    RaftPeer newcomer = RaftPeer.newBuilder().setId(add.getId()).setAddress(add.getRaftAddress())
        .setClientAddress(add.getClientAddress()).build();
    String plan = "add " + add.getId() + " (raft " + add.getRaftAddress() + ", clients " + add.getClientAddress()
        + ") as a listener, catch it up, then make it a voter: " + voters(conf).size() + " -> "
        + (voters(conf).size() + 1) + " voters";
    if (dryRun) {
      return result(true, plan);
    }
    LOG.info("Membership: {}", plan);
    raft.approveMember(add.getId());
    List<RaftPeer> listeners = without(conf.getCurrentPeers(RaftPeerRole.LISTENER), add.getId());
    listeners.add(asRole(newcomer, RaftPeerRole.LISTENER));
    setConfiguration(voters(conf), listeners);
    awaitCaughtUp(add.getId());
    RaftConfiguration now = conf();
    List<RaftPeer> voters = new ArrayList<>(voters(now));
    voters.add(asRole(newcomer, RaftPeerRole.FOLLOWER));
    setConfiguration(voters, without(now.getCurrentPeers(RaftPeerRole.LISTENER), add.getId()));
    LOG.info("Membership: {} is a voter", add.getId());
    return result(false, "added " + add.getId() + " as a voter");
  }

  private MembershipResult remove(String id, boolean dryRun) {
    RaftConfiguration conf = conf();
    boolean voter = voters(conf).stream().anyMatch(p -> id(p).equals(id));
    boolean listener = conf.getCurrentPeers(RaftPeerRole.LISTENER).stream().anyMatch(p -> id(p).equals(id));
    if (!voter && !listener) {
      throw invalid(id + " is not a member");
    }
    List<RaftPeer> voters = without(voters(conf), id);
    if (voter) {
      checkQuorumAfter(voters);
    }
    boolean self = id.equals(raft.division().getId().toString());
    String plan = "remove " + (voter ? "voter " : "listener ") + id + ": " + voters(conf).size() + " -> "
        + voters.size() + " voters" + (self ? " (this node is the leader: it first hands leadership over)" : "");
    if (dryRun) {
      return result(true, plan);
    }
    if (self) {
      handOverBeforeRemovingSelf(id);
    }
    LOG.info("Membership: {}", plan);
    setConfiguration(voters, without(conf.getCurrentPeers(RaftPeerRole.LISTENER), id));
    return result(false, "removed " + id);
  }

  /**
   * The leader never removes itself: in Ratis 3.3.0 a leader that commits its own removal closes
   * itself while holding its server's lock, and waits for its client threads, one of which may be
   * waiting for that lock (a write that arrived at that moment) — it then never finishes closing
   * (docs/design.md, "Removing the leader"). So it hands leadership to the healthiest voter and
   * answers NOT_LEADER; the client sends the removal again, to the new leader.
   */
  private void handOverBeforeRemovingSelf(String id) {
    for (int attempt = 1; raft.isLeader(); attempt++) {
      Optional<String> best = bestSuccessor();
      if (best.isEmpty()) {
        // A loaded follower may miss a heartbeat or two; give it a moment before refusing.
        if (attempt >= HAND_OVER_ATTEMPTS) {
          throw invalid("refusing to remove leader " + id + ": no other voter is healthy enough to take over");
        }
        sleep(HAND_OVER_PAUSE);
        continue;
      }
      String successor = best.get();
      LOG.info("Membership: removing leader {}: handing leadership to {} first", id, successor);
      try {
        transfer(successor, false);
      } catch (ClusterRejectedException e) {
        // A loaded successor may not win in time; another attempt picks the best one again.
        if (raft.isLeader() && attempt >= HAND_OVER_ATTEMPTS) {
          throw e;
        }
        LOG.info("Membership: handing leadership to {} did not work ({}); trying again", successor, e.getMessage());
      }
    }
    throw new ClusterRejectedException(Status.NOT_LEADER, id + " handed leadership over before its removal; "
        + "send the removal to the new leader", raft.leaderClientAddress());
  }

  private MembershipResult transfer(String id, boolean dryRun) {
    if (voters(conf()).stream().noneMatch(p -> id(p).equals(id))) {
      throw invalid(id + " is not a voter, so it cannot lead");
    }
    if (id.equals(raft.division().getId().toString())) {
      return result(dryRun, id + " is already the leader");
    }
    if (dryRun) {
      return result(true, "hand leadership to " + id);
    }
    LOG.info("Membership: handing leadership to {}", id);
    submit("leadership transfer", () -> raft.division().getRaftServer().transferLeadershipAsync(
        new TransferLeadershipRequest(clientId, raft.division().getId(), RaftGateway.GROUP_ID,
            callIds.incrementAndGet(), RaftPeerId.valueOf(id), 30_000)));
    return result(false, id + " is the leader");
  }

  /** The healthy voter other than this leader that has committed the most, if any. */
  public Optional<String> bestSuccessor() {
    String self = raft.division().getId().toString();
    return voters(conf()).stream().map(Membership::id).filter(id -> !id.equals(self) && healthy(id))
        .max(java.util.Comparator.comparingLong(this::commitIndexOf));
  }

  /**
   * Refuses a voter set in which fewer than a majority answered the leader recently. A leader
   * elected a moment ago (right after a transfer, say) has not heard from its followers yet, so a
   * refusal is only given once it has stood for {@link #QUORUM_SETTLE}.
   */
  private void checkQuorumAfter(List<RaftPeer> voters) {
    long deadline = System.nanoTime() + QUORUM_SETTLE.toNanos();
    while (true) {
      try {
        checkQuorumNow(voters);
        return;
      } catch (ClusterRejectedException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        sleep(SETTLE_PAUSE);
      }
    }
  }

  private void checkQuorumNow(List<RaftPeer> voters) {
    if (voters.isEmpty()) {
      throw invalid("refusing to remove the last voter");
    }
    long healthy = voters.stream().filter(p -> healthy(id(p))).count();
    int majority = voters.size() / 2 + 1;
    if (healthy < majority) {
      throw invalid("refusing: after this change only " + healthy + " of " + voters.size()
          + " voters would be healthy, fewer than the " + majority + " needed to commit anything");
    }
  }

  private boolean healthy(String id) {
    RaftServer.Division d = raft.division();
    if (id.equals(d.getId().toString())) {
      return true;
    }
    for (ServerRpcProto follower : d.getInfo().getRoleInfoProto().getLeaderInfo().getFollowerInfoList()) {
      if (follower.getId().getId().toStringUtf8().equals(id)) {
        return follower.getLastRpcElapsedTimeMs() < healthyRpcMillis;
      }
    }
    return false;
  }

  /** Waits until {@code id} reports having committed everything the leader had committed when the wait began. */
  private void awaitCaughtUp(String id) {
    long target = raft.division().getRaftLog().getLastCommittedIndex();
    long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
    while (commitIndexOf(id) < target) {
      if (System.nanoTime() > deadline) {
        throw new ClusterRejectedException(Status.UNAVAILABLE, id + " did not catch up to index " + target
            + " within " + CATCH_UP_TIMEOUT + "; it stays a listener", "");
      }
      sleep(Duration.ofMillis(100));
    }
  }

  private long commitIndexOf(String id) {
    Collection<CommitInfoProto> infos = raft.division().getCommitInfos();
    return infos.stream().filter(c -> c.getServer().getId().toStringUtf8().equals(id))
        .mapToLong(CommitInfoProto::getCommitIndex).findFirst().orElse(0);
  }

  private void setConfiguration(List<RaftPeer> voters, List<RaftPeer> listeners) {
    SetConfigurationRequest.Arguments arguments = SetConfigurationRequest.Arguments.newBuilder()
        .setServersInNewConf(voters).setListenersInNewConf(listeners).build();
    submit("configuration change", () -> raft.division().getRaftServer().setConfigurationAsync(
        new SetConfigurationRequest(clientId, raft.division().getId(), RaftGateway.GROUP_ID,
            callIds.incrementAndGet(), arguments)));
  }

  private interface AsyncCall {
    CompletableFuture<RaftClientReply> start() throws java.io.IOException;
  }

  /**
   * Runs {@code call} (a fresh request each time) until Ratis accepts it. A leader that has not yet
   * committed its first entry, or is still finishing the previous change, refuses with nothing done;
   * both pass within moments (right after a leadership transfer, say), so those are retried for up
   * to {@link #SETTLE_TIMEOUT}. Losing leadership is answered NOT_LEADER, so the client asks the new one.
   */
  private void submit(String what, AsyncCall call) {
    long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
    while (true) {
      Throwable failure;
      try {
        RaftClientReply reply = call.start().join();
        if (reply.isSuccess()) {
          return;
        }
        failure = reply.getException();
      } catch (java.io.IOException | java.util.concurrent.CompletionException e) {
        failure = e.getCause() != null ? e.getCause() : e;
      }
      if (failure instanceof NotLeaderException || failure instanceof LeaderSteppingDownException) {
        throw new ClusterRejectedException(Status.NOT_LEADER, what + ": this node is no longer the leader",
            raft.leaderClientAddress());
      }
      boolean passes = failure instanceof LeaderNotReadyException
          || failure instanceof ReconfigurationInProgressException;
      if (!passes || System.nanoTime() > deadline) {
        throw new ClusterRejectedException(Status.UNAVAILABLE, what + " failed: " + failure, "");
      }
      LOG.info("Membership: {} waits: {}", what, failure.getMessage());
      sleep(SETTLE_PAUSE);
    }
  }

  private static void sleep(Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterRejectedException(Status.UNAVAILABLE, "interrupted", "");
    }
  }

  private RaftConfiguration conf() {
    return raft.division().getRaftConf();
  }

  private static List<RaftPeer> voters(RaftConfiguration conf) {
    return new ArrayList<>(conf.getCurrentPeers(RaftPeerRole.FOLLOWER));
  }

  private static List<RaftPeer> without(Collection<RaftPeer> peers, String id) {
    List<RaftPeer> rest = new ArrayList<>();
    peers.stream().filter(p -> !id(p).equals(id)).forEach(rest::add);
    return rest;
  }

  private static RaftPeer asRole(RaftPeer peer, RaftPeerRole role) {
    return RaftPeer.newBuilder().setId(peer.getId()).setAddress(peer.getAddress())
        .setClientAddress(peer.getClientAddress()).setStartupRole(role).build();
  }

  private static String id(RaftPeer peer) {
    return peer.getId().toString();
  }

  private MembershipResult result(boolean dryRun, String description) {
    return MembershipResult.newBuilder().addAllMembers(raft.status().getPeersList())
        .setDescription(description).setDryRun(dryRun).build();
  }

  private static ClusterRejectedException invalid(String message) {
    return new ClusterRejectedException(Status.INVALID_ARGUMENT, message, "");
  }
}
