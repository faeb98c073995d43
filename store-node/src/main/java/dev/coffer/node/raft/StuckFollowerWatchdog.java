package dev.coffer.node.raft;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
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
  private final Map<String, Long> lastCommit = new HashMap<>();
  private final Map<String, Integer> stalled = new HashMap<>();
  private final Map<String, Long> lastHandOver = new HashMap<>();

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
      lastCommit.clear();
      stalled.clear();
      return;
    }
    RaftServer.Division d = raft.division();
    long leaderCommit = d.getRaftLog().getLastCommittedIndex();
    Map<String, Long> commits = new HashMap<>();
    for (CommitInfoProto info : d.getCommitInfos()) {
      commits.put(info.getServer().getId().toStringUtf8(), info.getCommitIndex());
    }
    java.util.Set<String> voters = new java.util.HashSet<>();
    d.getRaftConf().getCurrentPeers(RaftPeerRole.FOLLOWER).forEach(p -> voters.add(p.getId().toString()));
    for (ServerRpcProto follower : d.getInfo().getRoleInfoProto().getLeaderInfo().getFollowerInfoList()) {
      String id = follower.getId().getId().toStringUtf8();
      if (!voters.contains(id)) {
        continue; // listeners being caught up are Ratis's and Membership's business
      }
      long commit = commits.getOrDefault(id, 0L);
      boolean behind = commit < leaderCommit;
      boolean responsive = follower.getLastRpcElapsedTimeMs() < responsiveMillis;
      boolean noProgress = lastCommit.containsKey(id) && lastCommit.get(id) == commit;
      lastCommit.put(id, commit);
      int count = behind && responsive && noProgress ? stalled.merge(id, 1, Integer::sum) : 0;
      stalled.put(id, count);
      long now = System.nanoTime();
      if (count >= STALLED_CHECKS && now - lastHandOver.getOrDefault(id, now - COOLDOWN_NANOS - 1) > COOLDOWN_NANOS) {
        stalled.clear();
        lastHandOver.put(id, now);
        handOver(id, commit, leaderCommit, commits);
        return;
      }
    }
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
