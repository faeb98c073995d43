package dev.coffer.node.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.node.raft.StallTracker.Progress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StallTrackerTest {
  static final long CHECK = TimeUnit.SECONDS.toNanos(5);
  static final long COOLDOWN = TimeUnit.MINUTES.toNanos(5);

  final StallTracker tracker = new StallTracker(6, COOLDOWN);
  long now;

  Optional<Progress> observe(long leaderCommit, Progress... voters) {
    now += CHECK;
    return tracker.observe(now, leaderCommit, List.of(voters));
  }

  @Test
  void answeringFollowerBehindAndFlat_isNamedAfterSixFlatChecks() {
    Progress stuck = new Progress("n2", 100, true);
    Progress fine = new Progress("n3", 500, true);
    assertTrue(observe(500, stuck, fine).isEmpty(), "the first observation is only a baseline");
    for (int i = 1; i < 6; i++) {
      assertTrue(observe(500 + i, stuck, new Progress("n3", 500 + i, true)).isEmpty(), "check " + i);
    }
    assertEquals(Optional.of(stuck), observe(506, stuck, new Progress("n3", 506, true)));
  }

  @Test
  void anyProgress_startsTheCountAgain() {
    for (int i = 0; i < 5; i++) {
      assertTrue(observe(500, new Progress("n2", 100, true)).isEmpty());
    }
    assertTrue(observe(500, new Progress("n2", 101, true)).isEmpty(), "moved: not stuck");
    for (int i = 0; i < 5; i++) {
      assertTrue(observe(500, new Progress("n2", 101, true)).isEmpty(), "only " + (i + 1) + " flat checks");
    }
    assertTrue(observe(500, new Progress("n2", 101, true)).isPresent());
  }

  @Test
  void followerThatDoesNotAnswer_isDownNotStuck() {
    for (int i = 0; i < 20; i++) {
      assertTrue(observe(500, new Progress("n2", 100, false)).isEmpty());
    }
  }

  @Test
  void followerAtTheLeadersCommit_isNeverStuck_evenWhenIdle() {
    for (int i = 0; i < 20; i++) {
      assertTrue(observe(500, new Progress("n2", 500, true)).isEmpty());
    }
  }

  @Test
  void aNamedFollower_isNotNamedAgainWithinTheCooldown() {
    Progress stuck = new Progress("n2", 100, true);
    int checks = 0;
    while (observe(500, stuck).isEmpty()) {
      checks++;
    }
    long namedAt = now;
    while (observe(500, stuck).isEmpty()) {
      assertTrue(now - namedAt <= COOLDOWN + 6 * CHECK, "named again too late");
    }
    assertTrue(now - namedAt > COOLDOWN, "named again after " + (now - namedAt) / CHECK + " checks, within the cooldown");
    assertEquals(6, checks);
  }

  @Test
  void reset_forgetsProgress_soANewLeaderTermStartsCountingAfresh() {
    for (int i = 0; i < 6; i++) {
      assertTrue(observe(500, new Progress("n2", 100, true)).isEmpty());
    }
    tracker.reset();
    for (int i = 0; i < 6; i++) {
      assertTrue(observe(500, new Progress("n2", 100, true)).isEmpty(), "check " + i + " after the reset");
    }
    assertTrue(observe(500, new Progress("n2", 100, true)).isPresent());
  }
}
