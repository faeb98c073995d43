package dev.coffer.node.raft;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works around a replication stall seen with Ratis 3.3.0 after a partition heals: a follower keeps
 * answering the leader while its commit index stays behind for minutes (see docs/design.md). The
 * leader's per-follower progress is what is stuck, so a leader that sees a responsive voter make no
 * progress while behind hands leadership to an up-to-date voter, or steps down when there is none;
 * the next leader starts every follower's replication afresh. Runs on the leader only.
 */
final class StuckFollowerWatchdog {
  private static final Logger LOG = LoggerFactory.getLogger(StuckFollowerWatchdog.class);
  private static final long CHECK_SECONDS = 5;
  /** Checks in a row without progress before acting (30 s: longer than a normal catch-up stays flat). */
  private static final int STALLED_CHECKS = 6;
  /** At most one hand-over per follower in this time, so a slow snapshot install cannot make leadership bounce. */
  private static final long COOLDOWN_NANOS = TimeUnit.MINUTES.toNanos(5);

  private final RaftGateway raft;
  private final Membership membership;
  private final long responsiveMillis;
  private final StallTracker tracker = new StallTracker(STALLED_CHECKS, COOLDOWN_NANOS);

  StuckFollowerWatchdog(RaftGateway raft, Membership membership, long responsiveMillis) {
    this.raft = raft;
    this.membership = membership;
    this.responsiveMillis = responsiveMillis;
  }

  void start(ScheduledExecutorService timer) {
    timer.scheduleWithFixedDelay(this::checkSafely, CHECK_SECONDS, CHECK_SECONDS, TimeUnit.SECONDS);
  }

  private void checkSafely() {
    try {
      check();
    } catch (RuntimeException e) {
      LOG.debug("Stuck-follower check failed: {}", e.toString());
    }
  }

  void check() {
    if (!raft.isLeader()) {
      tracker.reset();
      return;
    }
    RaftServer.Division d = raft.division();
    long leaderCommit = d.getRaftLog().getLastCommittedIndex();
    Map<String, Long> commits = new HashMap<>();
    for (CommitInfoProto info : d.getCommitInfos()) {
      commits.put(info.getServer().getId().toStringUtf8(), info.getCommitIndex());
    }
    Set<String> voters = new HashSet<>();
    d.getRaftConf().getCurrentPeers(RaftPeerRole.FOLLOWER).forEach(p -> voters.add(p.getId().toString()));
    List<StallTracker.Progress> progress = new ArrayList<>();
    for (ServerRpcProto follower : d.getInfo().getRoleInfoProto().getLeaderInfo().getFollowerInfoList()) {
      String id = follower.getId().getId().toStringUtf8();
      if (voters.contains(id)) { // listeners being caught up are Ratis's and Membership's business
        progress.add(new StallTracker.Progress(id, commits.getOrDefault(id, 0L),
            follower.getLastRpcElapsedTimeMs() < responsiveMillis));
      }
    }
    tracker.observe(System.nanoTime(), leaderCommit, progress)
        .ifPresent(stuck -> handOver(stuck.id(), stuck.commitIndex(), leaderCommit, commits));
  }

  private void handOver(String stuck, long stuckAt, long leaderCommit, Map<String, Long> commits) {
    Optional<String> successor = raft.division().getRaftConf().getCurrentPeers(RaftPeerRole.FOLLOWER).stream()
        .map(p -> p.getId().toString())
        .filter(id -> !id.equals(stuck) && !id.equals(raft.division().getId().toString()))
        .filter(id -> commits.getOrDefault(id, 0L) >= leaderCommit)
        .findFirst();
    if (successor.isEmpty()) {
      LOG.warn("Follower {} made no progress at commit index {} (leader at {}) for {} s while answering, and no "
          + "other voter is up to date to take over; stepping down so that replication to it starts afresh",
          stuck, stuckAt, leaderCommit, CHECK_SECONDS * STALLED_CHECKS);
      membership.stepDownNow();
      return;
    }
    LOG.warn("Follower {} made no progress at commit index {} (leader at {}) for {} s while answering; handing "
        + "leadership to {} so that replication to it starts afresh",
        stuck, stuckAt, leaderCommit, CHECK_SECONDS * STALLED_CHECKS, successor.get());
    membership.transferLeadershipNow(successor.get());
  }
}
