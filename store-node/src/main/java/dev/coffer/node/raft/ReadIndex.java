package dev.coffer.node.raft;

import dev.coffer.proto.Status;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;

/**
 * Linearizable reads without a log write (docs/design.md, "A read"). On the leader of term T that
 * has committed an entry of T: note the commit index, have a {@link LeadershipRounds} round that
 * starts after this call confirm with a majority of voters that no term after T has begun, then
 * wait until this node has applied that index. Before the leader's first commit in its term its
 * commit index may miss entries of earlier terms, so the read takes the log barrier instead.
 */
public final class ReadIndex {
  private final RaftGateway raft;
  private final Supplier<CompletableFuture<Long>> barrier;
  private final LeadershipRounds rounds;
  private final AppliedIndexWatch applied;
  private final Duration applyBound;

  /**
   * {@code barrier} is the log barrier ({@code WriteProposer::barrier}); {@code applyBound} bounds
   * the wait for the read index to be applied.
   */
  public ReadIndex(RaftGateway raft, Supplier<CompletableFuture<Long>> barrier, LeadershipRounds rounds,
      AppliedIndexWatch applied, Duration applyBound) {
    this.raft = raft;
    this.barrier = barrier;
    this.rounds = rounds;
    this.applied = applied;
    this.applyBound = applyBound;
  }

  /**
   * Completes once local state reflects every write acknowledged before this call; fails with a
   * {@link ClusterRejectedException} (NOT_LEADER or UNAVAILABLE) when that cannot be shown.
   */
  public CompletableFuture<Void> awaitLinearizable() {
    RaftServer.Division division = raft.division();
    DivisionInfo info = division.getInfo();
    // Term first: if leadership changes after it, the round (which checks this term) fails.
    long term = info.getCurrentTerm();
    if (!info.isLeader()) {
      return CompletableFuture.failedFuture(new ClusterRejectedException(Status.NOT_LEADER,
          "node " + division.getId() + " is not the leader", raft.leaderClientAddress()));
    }
    if (!info.isLeaderReady()) {
      return barrier.get().thenApply(index -> null);
    }
    long readIndex = division.getRaftLog().getLastCommittedIndex();
    return rounds.confirm(term).thenCompose(confirmed -> applied.await(readIndex, applyBound));
  }
}
