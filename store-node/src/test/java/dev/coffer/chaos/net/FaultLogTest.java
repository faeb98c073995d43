package dev.coffer.chaos.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FaultLogTest {
  private static FaultEvent event(FaultKind kind, Long electionMillis) {
    Instant t = Instant.parse("2024-01-01T00:00:00Z");
    return new FaultEvent(kind, "n1", t, t.plusSeconds(3),
        Optional.ofNullable(electionMillis).map(Duration::ofMillis), "");
  }

  @Test
  void countsAndPercentiles_overMeasuredElectionsOnly() {
    FaultLog log = new FaultLog();
    for (long ms = 100; ms >= 1; ms--) {
      log.add(event(FaultKind.KILL_LEADER, ms * 10));
    }
    log.add(event(FaultKind.PAUSE, null));
    assertEquals(Map.of(FaultKind.KILL_LEADER, 100, FaultKind.PAUSE, 1), log.countsByKind());
    assertEquals(100, log.electionDurations().size());
    assertEquals(Optional.of(Duration.ofMillis(500)), log.electionPercentile(50));
    assertEquals(Optional.of(Duration.ofMillis(990)), log.electionPercentile(99));
    assertEquals(Optional.of(Duration.ofMillis(1000)), log.electionPercentile(100));
    assertTrue(log.summary().contains("p99 990 ms"), log.summary());
  }

  @Test
  void percentile_noElections_isEmpty_andOutOfRangeRejected() {
    FaultLog log = new FaultLog();
    assertEquals(Optional.empty(), log.electionPercentile(50));
    assertThrows(IllegalArgumentException.class, () -> log.electionPercentile(0));
  }
}
