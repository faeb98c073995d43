package dev.coffer.node.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The health decision alone: observations and a hand-driven clock, no Raft and no sleeping. */
class NodeHealthTest {
  private long nowMillis = 1_000_000;
  private final NodeHealth health = new NodeHealth(Duration.ofSeconds(30), Duration.ofSeconds(6), () -> nowMillis);

  private static RaftObservation follower(long commit, long applied) {
    return new RaftObservation("RUNNING", "FOLLOWER", 3, commit, applied, "n1", 3, true, List.of(), 100);
  }

  private static RaftObservation leader(long... voterContactAges) {
    List<Long> ages = java.util.Arrays.stream(voterContactAges).boxed().toList();
    return new RaftObservation("RUNNING", "LEADER", 7, 50, 50, "n1", 3, true, ages, -1);
  }

  private void advanceSeconds(long seconds) {
    nowMillis += seconds * 1000;
  }

  @Test
  void caughtUpFollower_healthy() {
    NodeHealth.Verdict verdict = health.assess(follower(100, 100), false);
    assertTrue(verdict.healthy(), verdict.problems().toString());
    assertEquals(0, verdict.applyStalledMillis());
  }

  @Test
  void appliedStuckBehindCommit_unhealthyOnceTheLimitPasses() {
    assertTrue(health.assess(follower(1200, 260), false).healthy());
    advanceSeconds(29);
    NodeHealth.Verdict before = health.assess(follower(1200, 260), false);
    assertTrue(before.healthy(), before.problems().toString());
    assertEquals(29_000, before.applyStalledMillis());

    advanceSeconds(1);
    NodeHealth.Verdict after = health.assess(follower(1200, 260), false);
    assertEquals(List.of("applied index 260 has not moved for 30 s while the commit index is 1200"), after.problems());
  }

  @Test
  void appliedMovingWhileBehind_neverStalled() {
    for (int i = 0; i < 10; i++) {
      advanceSeconds(10);
      NodeHealth.Verdict verdict = health.assess(follower(1200, 100 + i), false);
      assertTrue(verdict.healthy(), verdict.problems().toString());
      assertEquals(0, verdict.applyStalledMillis());
    }
  }

  @Test
  void stallResets_whenAppliedMovesOrCatchesUp() {
    health.assess(follower(1200, 260), false);
    advanceSeconds(25);
    health.assess(follower(1200, 261), false); // moved: the clock starts again
    advanceSeconds(25);
    assertEquals(25_000, health.assess(follower(1200, 261), false).applyStalledMillis());
    health.assess(follower(1200, 1200), false); // caught up
    advanceSeconds(40);
    assertTrue(health.assess(follower(1300, 1200), false).healthy(), "behind again just now, not for 40 s");
  }

  @Test
  void idleCaughtUpNode_neverStalledHoweverLongNothingMoves() {
    health.assess(follower(500, 500), false);
    advanceSeconds(3600);
    assertTrue(health.assess(follower(500, 500), false).healthy());
  }

  @Test
  void raftServerClosed_unhealthy() {
    RaftObservation closed = new RaftObservation("CLOSED", "FOLLOWER", 3, 935, -1, "n1", 3, true, List.of(), -1);
    assertEquals(List.of("Raft server is CLOSED, not RUNNING: restart the node"), health.assess(closed, false).problems());
  }

  @Test
  void raftGroupGone_unhealthy() {
    assertEquals(List.of("Raft server is UNAVAILABLE, not RUNNING: restart the node"),
        health.assess(RaftObservation.unavailable(), false).problems());
  }

  @Test
  void noLeaderKnown_unhealthy() {
    RaftObservation candidate = new RaftObservation("RUNNING", "CANDIDATE", 4, 10, 10, "", 3, true, List.of(), -1);
    assertEquals(List.of("knows no leader"), health.assess(candidate, false).problems());
  }

  @Test
  void storageFailed_unhealthy() {
    List<String> problems = health.assess(follower(10, 10), true).problems();
    assertEquals(1, problems.size());
    assertTrue(problems.get(0).startsWith("storage failed"), problems.toString());
  }

  @Test
  void leaderHearingFromOneOfTwoOtherVoters_healthy() {
    // Itself and one follower answered lately: 2 of 3 is a majority.
    assertTrue(health.assess(leader(200, 60_000), false).healthy());
  }

  @Test
  void leaderHearingFromNoOtherVoter_unhealthy() {
    assertEquals(List.of("leads term 7 but only 1 of 3 voters (itself included) answered in the last 6 s: "
        + "another node may lead a later term"), health.assess(leader(7_000, 60_000), false).problems());
  }

  @Test
  void followerCutOffFromItsLeader_unhealthy() {
    RaftObservation cutOff = new RaftObservation("RUNNING", "FOLLOWER", 3, 10, 10, "n1", 3, true, List.of(), 12_000);
    assertEquals(List.of("has not heard from the leader (n1) for 12 s"), health.assess(cutOff, false).problems());
  }

  @Test
  void singleNodeLeader_healthyAlone() {
    RaftObservation alone = new RaftObservation("RUNNING", "LEADER", 1, 5, 5, "n1", 1, true, List.of(), -1);
    assertTrue(health.assess(alone, false).healthy());
  }
}
