package dev.coffer.node.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.proto.LeaderCheckResult;
import dev.coffer.proto.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Read-index rounds: how {@link LeadershipRounds} batches reads into rounds, and how one
 * {@link LeadershipCheck} round decides from its voters' answers. A stand-in answers for the peers;
 * the real transport (Ratis stale reads answered by BlobStateMachine) is covered by the cluster tests.
 */
class LeadershipRoundsTest {
  static final Duration BOUND = Duration.ofMillis(300);

  /** A round whose outcome the test decides; records the term and how many rounds started. */
  static final class ManualRound implements LeadershipRounds.Round {
    final List<Long> terms = new ArrayList<>();
    final List<CompletableFuture<Void>> outcomes = new ArrayList<>();

    @Override
    public synchronized CompletableFuture<Void> run(long term) {
      terms.add(term);
      CompletableFuture<Void> outcome = new CompletableFuture<>();
      outcomes.add(outcome);
      return outcome;
    }
  }

  /** Counts what LeadershipRounds reports. */
  static final class Counts implements LeadershipRounds.Observer {
    final List<Integer> readsPerRound = new ArrayList<>();
    final List<Status> failures = new ArrayList<>();

    @Override
    public void roundStarted(int reads) {
      readsPerRound.add(reads);
    }

    @Override
    public void roundFailed(Status status) {
      failures.add(status);
    }
  }

  /** Five voters (or any configuration); a peer answers the questions it was asked when the test says so. */
  static final class FakeVoters implements LeadershipCheck.Voters {
    final Map<String, List<CompletableFuture<LeaderCheckResult>>> pending = new ConcurrentHashMap<>();
    List<Set<String>> configurations = List.of(Set.of("n1", "n2", "n3", "n4", "n5"));
    volatile long leaderTerm = 7;
    final List<String> asked = new ArrayList<>();

    @Override
    public String selfId() {
      return "n1";
    }

    @Override
    public boolean leadsIn(long term) {
      return term == leaderTerm;
    }

    @Override
    public List<Set<String>> configurations() {
      return configurations;
    }

    @Override
    public CompletableFuture<LeaderCheckResult> askTerm(String peerId, long term) {
      CompletableFuture<LeaderCheckResult> answer = new CompletableFuture<>();
      synchronized (this) {
        asked.add(peerId);
        pending.computeIfAbsent(peerId, p -> new ArrayList<>()).add(answer);
      }
      return answer;
    }

    @Override
    public String clientAddressOf(String peerId) {
      return "host-of-" + peerId + ":7100";
    }

    /** {@code peer} answers every question it has been asked so far. */
    void answer(String peer, long term, String leader) {
      questions(peer).forEach(q -> q.complete(LeaderCheckResult.newBuilder().setTerm(term).setLeaderId(leader).build()));
    }

    void fail(String peer, Exception e) {
      questions(peer).forEach(q -> q.completeExceptionally(e));
    }

    private synchronized List<CompletableFuture<LeaderCheckResult>> questions(String peer) {
      List<CompletableFuture<LeaderCheckResult>> asked = pending.remove(peer);
      return asked == null ? List.of() : asked;
    }
  }

  static ClusterRejectedException rejection(CompletableFuture<?> f) throws InterruptedException {
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
    return assertInstanceOf(ClusterRejectedException.class, e.getCause());
  }

  // ---------------------------------------------------------------- batching

  @Test
  void confirm_arrivingDuringARound_waitsForTheNextRound() {
    ManualRound round = new ManualRound();
    Counts counts = new Counts();
    LeadershipRounds rounds = new LeadershipRounds(round, counts);

    CompletableFuture<Void> first = rounds.confirm(7);
    CompletableFuture<Void> second = rounds.confirm(7);
    CompletableFuture<Void> third = rounds.confirm(7);
    assertEquals(1, round.terms.size(), "one round in flight at a time");

    round.outcomes.get(0).complete(null);
    assertTrue(first.isDone(), "the read that started the round is confirmed by it");
    assertFalse(second.isDone(), "a read that arrived during the round is not confirmed by it");
    assertFalse(third.isDone());
    assertEquals(2, round.terms.size(), "the waiting reads start the next round at once");

    round.outcomes.get(1).complete(null);
    assertTrue(second.isDone() && third.isDone(), "reads waiting when a round starts share it");
    assertEquals(List.of(1, 2), counts.readsPerRound);
    assertTrue(counts.failures.isEmpty());
  }

  @Test
  void confirm_afterARoundEnded_startsANewRound() {
    ManualRound round = new ManualRound();
    LeadershipRounds rounds = new LeadershipRounds(round, LeadershipRounds.Observer.NONE);
    rounds.confirm(7);
    round.outcomes.get(0).complete(null);
    CompletableFuture<Void> later = rounds.confirm(7);
    assertEquals(2, round.terms.size());
    assertFalse(later.isDone(), "never confirmed by a round that started before it");
    round.outcomes.get(1).complete(null);
    assertTrue(later.isDone());
  }

  @Test
  void confirm_roundFails_everyReadOfItFailsAndTheNextRoundStillRuns() throws Exception {
    ManualRound round = new ManualRound();
    Counts counts = new Counts();
    LeadershipRounds rounds = new LeadershipRounds(round, counts);
    CompletableFuture<Void> first = rounds.confirm(7);
    CompletableFuture<Void> second = rounds.confirm(7);
    round.outcomes.get(0).completeExceptionally(new ClusterRejectedException(Status.UNAVAILABLE, "no majority", ""));
    assertEquals(Status.UNAVAILABLE, rejection(first).status());
    assertFalse(second.isDone());
    round.outcomes.get(1).complete(null);
    assertTrue(second.isDone() && !second.isCompletedExceptionally());
    assertEquals(List.of(Status.UNAVAILABLE), counts.failures);
  }

  @Test
  void confirm_roundThrows_itsReadsFailAndLaterRoundsStillRun() throws Exception {
    // Seen when a node ran with a stale protocol jar: NoClassDefFoundError out of the round.
    boolean[] broken = {true};
    LeadershipRounds rounds = new LeadershipRounds(term -> {
      if (broken[0]) {
        throw new NoClassDefFoundError("dev/coffer/proto/LeaderCheckRequest");
      }
      return CompletableFuture.completedFuture(null);
    }, LeadershipRounds.Observer.NONE);
    CompletableFuture<Void> first = rounds.confirm(7);
    ExecutionException e = assertThrows(ExecutionException.class, () -> first.get(5, TimeUnit.SECONDS));
    assertInstanceOf(NoClassDefFoundError.class, e.getCause());
    broken[0] = false;
    assertTrue(rounds.confirm(7).isDone(), "no round is left in flight for good");
  }

  @Test
  void confirm_readsOfAnOlderTermInTheBatch_failNotLeader() throws Exception {
    ManualRound round = new ManualRound();
    LeadershipRounds rounds = new LeadershipRounds(round, LeadershipRounds.Observer.NONE);
    rounds.confirm(7);
    CompletableFuture<Void> older = rounds.confirm(7);
    CompletableFuture<Void> newer = rounds.confirm(9);
    round.outcomes.get(0).complete(null);
    assertEquals(9L, round.terms.get(1), "the round checks the newest term");
    round.outcomes.get(1).complete(null);
    assertEquals(Status.NOT_LEADER, rejection(older).status(), "its read index was noted in a term since lost");
    assertTrue(newer.isDone() && !newer.isCompletedExceptionally());
  }

  @Test
  void confirm_roundDecidedAtOnce_manyRoundsInARow_noRecursionTrouble() {
    LeadershipRounds rounds = new LeadershipRounds(term -> CompletableFuture.completedFuture(null),
        LeadershipRounds.Observer.NONE);
    for (int i = 0; i < 100_000; i++) {
      assertTrue(rounds.confirm(7).isDone());
    }
  }

  // ---------------------------------------------------------------- one round

  @Test
  void check_majorityReportsTheTerm_confirmedWithoutWaitingForTheRest() throws Exception {
    FakeVoters voters = new FakeVoters();
    CompletableFuture<Void> round = new LeadershipCheck(voters, BOUND).run(7);
    assertEquals(Set.of("n2", "n3", "n4", "n5"), Set.copyOf(voters.asked), "every other voter is asked");
    voters.answer("n2", 7, "n1");
    assertFalse(round.isDone(), "2 of 5 is no majority");
    voters.answer("n4", 5, "");
    assertFalse(round.isDone(), "an older term does not count");
    voters.answer("n3", 7, "n1");
    round.get(1, TimeUnit.SECONDS); // n1, n2, n3: 3 of 5; n5 never answers
  }

  @Test
  void check_anyHigherTerm_notLeaderWithTheNewLeadersAddress() throws Exception {
    FakeVoters voters = new FakeVoters();
    CompletableFuture<Void> round = new LeadershipCheck(voters, BOUND).run(7);
    voters.answer("n2", 7, "n1");
    voters.answer("n3", 8, "n4");
    ClusterRejectedException e = rejection(round);
    assertEquals(Status.NOT_LEADER, e.status());
    assertEquals("host-of-n4:7100", e.leaderAddress());
    voters.answer("n4", 7, "n1");
    voters.answer("n5", 7, "n1");
    assertEquals(Status.NOT_LEADER, rejection(round).status(), "decided once: later answers change nothing");
  }

  @Test
  void check_noAnswers_unavailableAfterTheBound() throws Exception {
    FakeVoters voters = new FakeVoters();
    long start = System.nanoTime();
    CompletableFuture<Void> round = new LeadershipCheck(voters, BOUND).run(7);
    ClusterRejectedException e = rejection(round);
    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(Status.UNAVAILABLE, e.status());
    assertTrue(tookMillis >= BOUND.toMillis() - 20, "waited the bound: " + tookMillis + " ms");
  }

  @Test
  void check_everyoneAnsweredWithoutAMajority_unavailableAtOnce() throws Exception {
    FakeVoters voters = new FakeVoters();
    CompletableFuture<Void> round = new LeadershipCheck(voters, Duration.ofMinutes(1)).run(7);
    voters.answer("n2", 7, "n1");
    voters.fail("n3", new java.io.IOException("connection refused"));
    voters.answer("n4", 6, "");
    voters.fail("n5", new java.io.IOException("timed out"));
    assertEquals(Status.UNAVAILABLE, rejection(round).status());
  }

  @Test
  void check_notLeaderInTheTerm_notLeaderWithoutAsking() throws Exception {
    FakeVoters voters = new FakeVoters();
    assertEquals(Status.NOT_LEADER, rejection(new LeadershipCheck(voters, BOUND).run(6)).status());
    assertTrue(voters.asked.isEmpty());
  }

  @Test
  void check_leadershipLostWhileAsking_notLeader() throws Exception {
    FakeVoters voters = new FakeVoters();
    CompletableFuture<Void> round = new LeadershipCheck(voters, BOUND).run(7);
    voters.leaderTerm = 8;
    voters.answer("n2", 7, "n1");
    voters.answer("n3", 7, "n1");
    assertEquals(Status.NOT_LEADER, rejection(round).status());
  }

  @Test
  void check_duringAMembershipChange_needsAMajorityOfBothConfigurations() throws Exception {
    FakeVoters voters = new FakeVoters();
    voters.configurations = List.of(Set.of("n1", "n2", "n3"), Set.of("n1", "n4", "n5"));
    CompletableFuture<Void> round = new LeadershipCheck(voters, BOUND).run(7);
    voters.answer("n2", 7, "n1");
    voters.answer("n3", 7, "n1");
    assertFalse(round.isDone(), "all of the new configuration, none of the old");
    voters.answer("n4", 7, "n1");
    round.get(1, TimeUnit.SECONDS);
  }

  @Test
  void check_singleVoter_confirmedByItself() throws Exception {
    FakeVoters voters = new FakeVoters();
    voters.configurations = List.of(Set.of("n1"));
    new LeadershipCheck(voters, BOUND).run(7).get(1, TimeUnit.SECONDS);
    assertTrue(voters.asked.isEmpty());
  }

  @Test
  void roundsWithCheck_readsDuringARound_confirmedByAFreshRoundOfAnswers() throws Exception {
    FakeVoters voters = new FakeVoters();
    LeadershipRounds rounds = new LeadershipRounds(new LeadershipCheck(voters, BOUND), LeadershipRounds.Observer.NONE);
    CompletableFuture<Void> first = rounds.confirm(7);
    CompletableFuture<Void> second = rounds.confirm(7);
    voters.answer("n2", 7, "n1");
    voters.answer("n3", 7, "n1");
    first.get(1, TimeUnit.SECONDS);
    // The answers above were given before the second round asked: it must not count them.
    assertFalse(second.isDone());
    Thread.sleep(50);
    assertFalse(second.isDone(), "no new answers yet");
    voters.answer("n4", 7, "n1");
    voters.answer("n5", 7, "n1");
    second.get(1, TimeUnit.SECONDS);
  }
}
