package dev.coffer.node.raft;

import dev.coffer.proto.LeaderCheckResult;
import dev.coffer.proto.Status;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One leadership-confirmation round (see docs/design.md, "A read"): asks every other voter for
 * its current term and succeeds once, in every voting configuration (two during a membership
 * change), a majority, this node included, reports this node's term. Any higher term, or this
 * node no longer leading in that term, fails the round with NOT_LEADER; no majority within the
 * bound fails it with UNAVAILABLE. Both are retriable by the client.
 */
public final class LeadershipCheck implements LeadershipRounds.Round {
  /** The cluster as a round sees it. */
  public interface Voters {
    String selfId();

    /** True while this node is the leader, in {@code term}. */
    boolean leadsIn(long term);

    /** The voters whose majorities count: the current configuration, and the old one during a change. */
    List<Set<String>> configurations();

    /** Asks a voter for its current term; may fail or never answer. */
    CompletableFuture<LeaderCheckResult> askTerm(String peerId, long term);

    /** A member's client address, or "" when unknown. */
    String clientAddressOf(String peerId);
  }

  private final Voters voters;
  private final Duration bound;

  public LeadershipCheck(Voters voters, Duration bound) {
    this.voters = voters;
    this.bound = bound;
  }

  @Override
  public CompletableFuture<Void> run(long term) {
    if (!voters.leadsIn(term)) {
      return CompletableFuture.failedFuture(notLeader(term, ""));
    }
    List<Set<String>> configurations = voters.configurations();
    if (configurations.isEmpty() || configurations.stream().anyMatch(Set::isEmpty)) {
      return CompletableFuture.failedFuture(new ClusterRejectedException(Status.UNAVAILABLE,
          "node " + voters.selfId() + " sees no voters to confirm its leadership with; retry", ""));
    }
    Tally tally = new Tally(term, voters.selfId(), configurations);
    tally.decideIfDone();
    for (String peer : tally.peers) {
      CompletableFuture<LeaderCheckResult> answer;
      try {
        answer = voters.askTerm(peer, term);
      } catch (RuntimeException e) {
        answer = CompletableFuture.failedFuture(e);
      }
      answer.whenComplete((result, error) -> tally.answer(peer, error == null ? result : null));
    }
    return tally.decision.orTimeout(bound.toMillis(), TimeUnit.MILLISECONDS).exceptionally(error -> {
      if (error instanceof java.util.concurrent.TimeoutException) {
        throw new ClusterRejectedException(Status.UNAVAILABLE, "node " + voters.selfId() + " could not confirm with "
            + "a majority that it still leads (term " + term + ") within " + bound.toMillis() + " ms; retry", "");
      }
      throw error instanceof RuntimeException r ? r : new java.util.concurrent.CompletionException(error);
    });
  }

  private ClusterRejectedException notLeader(long term, String leaderAddress) {
    return new ClusterRejectedException(Status.NOT_LEADER, "node " + voters.selfId() + " no longer leads in term "
        + term + (leaderAddress.isEmpty() ? "" : "; the leader is at " + leaderAddress), leaderAddress);
  }

  /** The answers of one round, decided once. */
  private final class Tally {
    private final long term;
    private final List<Set<String>> configurations;
    private final Set<String> peers = new LinkedHashSet<>();
    private final Set<String> confirmed = new HashSet<>();
    private int answered;
    final CompletableFuture<Void> decision = new CompletableFuture<>();

    Tally(long term, String self, List<Set<String>> configurations) {
      this.term = term;
      this.configurations = configurations;
      configurations.forEach(peers::addAll);
      peers.remove(self);
      confirmed.add(self);
    }

    synchronized void answer(String peer, LeaderCheckResult result) {
      if (decision.isDone()) {
        return;
      }
      answered++;
      if (result != null && result.getTerm() > term) {
        decision.completeExceptionally(notLeader(term, result.getLeaderId().isEmpty() ? ""
            : voters.clientAddressOf(result.getLeaderId())));
        return;
      }
      if (result != null && result.getTerm() == term) {
        confirmed.add(peer);
      }
      decideIfDone();
    }

    synchronized void decideIfDone() {
      if (configurations.stream().allMatch(this::majorityConfirmed)) {
        if (voters.leadsIn(term)) {
          decision.complete(null);
        } else {
          decision.completeExceptionally(notLeader(term, ""));
        }
      } else if (answered == peers.size()) {
        decision.completeExceptionally(new ClusterRejectedException(Status.UNAVAILABLE, "only " + confirmed.size()
            + " of the voters " + configurations + " confirmed term " + term + " to node " + voters.selfId()
            + "; retry", ""));
      }
    }

    private boolean majorityConfirmed(Set<String> configuration) {
      return 2 * configuration.stream().filter(confirmed::contains).count() > configuration.size();
    }
  }
}
