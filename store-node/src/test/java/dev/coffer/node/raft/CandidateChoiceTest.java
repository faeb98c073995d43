package dev.coffer.node.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.proto.LeaderCheckResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CandidateChoiceTest {
  private static final long TERM = 7;

  private static LeaderCheckResult answer(long term, String leader, long lastTerm, long lastIndex) {
    return LeaderCheckResult.newBuilder().setTerm(term).setLeaderId(leader).setLastTerm(lastTerm)
        .setLastIndex(lastIndex).build();
  }

  private static boolean stands(String self, long lastTerm, long lastIndex, Map<String, LeaderCheckResult> others) {
    return CandidateChoice.shouldStand(self, lastTerm, lastIndex, "n1", TERM, others);
  }

  @Test
  void theLongerLogStands_theShorterWaits() {
    assertTrue(stands("n3", 7, 120, Map.of("n2", answer(TERM, "n1", 7, 119))));
    assertFalse(stands("n2", 7, 119, Map.of("n3", answer(TERM, "n1", 7, 120))));
  }

  @Test
  void aLaterLastTermWinsOverALongerLog() {
    assertTrue(stands("n3", 7, 100, Map.of("n2", answer(TERM, "n1", 6, 500))));
    assertFalse(stands("n2", 6, 500, Map.of("n3", answer(TERM, "n1", 7, 100))));
  }

  @Test
  void equalLogs_theLowestIdStands_exactlyOne() {
    Map<String, long[]> logs = Map.of("n2", new long[] {7, 50}, "n3", new long[] {7, 50}, "n4", new long[] {7, 50});
    int standing = 0;
    for (String self : List.of("n2", "n3", "n4")) {
      Map<String, LeaderCheckResult> others = new java.util.HashMap<>();
      logs.forEach((id, log) -> {
        if (!id.equals(self)) {
          others.put(id, answer(TERM, "n1", log[0], log[1]));
        }
      });
      if (stands(self, 7, 50, others)) {
        standing++;
        assertEquals("n2", self);
      }
    }
    assertEquals(1, standing);
  }

  @Test
  void anElectionAlreadyUnderWay_nobodyStandsEarly() {
    assertFalse(stands("n2", 7, 200, Map.of("n3", answer(TERM + 1, "", 7, 100))));
    assertFalse(stands("n2", 7, 200, Map.of("n3", answer(TERM, "n3", 7, 100))), "n3 follows another leader");
  }

  @Test
  void nobodyAnswered_standsAlone() {
    assertTrue(stands("n2", 7, 10, Map.of()));
  }

  @Test
  void aFollowerThatLostTrackOfTheLeader_stillCounts() {
    assertTrue(stands("n2", 7, 10, Map.of("n3", answer(TERM, "", 7, 9))));
    assertFalse(stands("n2", 7, 10, Map.of("n3", answer(TERM, "", 7, 11))));
  }
}
