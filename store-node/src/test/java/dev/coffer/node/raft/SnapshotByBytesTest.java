package dev.coffer.node.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When the state machine asks for a snapshot by bytes of log applied. */
class SnapshotByBytesTest {
  private final BlobStateMachine.SnapshotByBytes trigger = new BlobStateMachine.SnapshotByBytes(1000);

  @Test
  void belowThreshold_noRequest() {
    assertFalse(trigger.add(400, true));
    assertFalse(trigger.add(599, true));
    assertEquals(999, trigger.bytesSinceSnapshot());
  }

  @Test
  void atThreshold_oneRequestUntilItIsAnswered() {
    trigger.add(600, true);
    assertTrue(trigger.add(400, true));
    assertFalse(trigger.add(5000, true), "one request at a time");
    trigger.snapshotTaken();
    trigger.requestFinished();
    assertEquals(0, trigger.bytesSinceSnapshot());
    assertFalse(trigger.add(999, true));
    assertTrue(trigger.add(1, true));
  }

  @Test
  void whileSnapshotImpossible_waitsThenAsks() {
    assertFalse(trigger.add(5000, false), "the store is ahead of Ratis: no snapshot yet");
    assertTrue(trigger.add(10, true));
  }

  @Test
  void failedRequest_asksAgainOnlyAfterAQuarterMore() {
    assertTrue(trigger.add(1000, true));
    trigger.requestFailed();
    assertFalse(trigger.add(100, true));
    assertFalse(trigger.add(149, true));
    assertTrue(trigger.add(1, true));
  }

  @Test
  void answeredWithoutASnapshot_asksAgainAtTheNextEntry() {
    assertTrue(trigger.add(1000, true));
    trigger.requestFinished();
    assertTrue(trigger.add(1, true));
  }
}
