package dev.coffer.node.storage;

import static dev.coffer.node.storage.TestEntries.bytes;
import static dev.coffer.node.storage.TestEntries.command;
import static dev.coffer.node.storage.TestEntries.delete;
import static dev.coffer.node.storage.TestEntries.deleteRequest;
import static dev.coffer.node.storage.TestEntries.entry;
import static dev.coffer.node.storage.TestEntries.put;
import static dev.coffer.node.storage.TestEntries.putRequest;
import static dev.coffer.node.storage.TestEntries.writeId;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.proto.Command;
import dev.coffer.proto.Response;
import dev.coffer.proto.Status;
import dev.coffer.proto.UsageResult;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once application. The contract these tests pin down: a (client id, sequence) seen
 * before gets its first response back and changes nothing, until the client raises its
 * acked_below above that sequence (which it does only after receiving the reply); from then on
 * the cluster has forgotten it and the same sequence would be applied as a new write.
 */
class BlobStoreSessionsTest {

  @TempDir Path dir;
  private BlobStore store;
  private long nextIndex = 1;

  @BeforeEach
  void open() {
    store = BlobStore.open(dir.resolve("db"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private List<Response> apply(Command... commands) {
    long index = nextIndex++;
    return store.apply(1, index, entry(1000 * index, commands));
  }

  private static Command trackedPut(String key, String value, long sequence, long ackedBelow) {
    return command(putRequest("alice", key, value)
        .setWriteId(writeId("client-1", sequence, ackedBelow)));
  }

  @Test
  void apply_retriedWriteIdInLaterEntry_returnsFirstResponseAndChangesNothing() {
    Response first = apply(trackedPut("k", "first", 1, 1)).get(0);
    apply(put("alice", "other", "xyz"));
    byte[] before = store.digest();

    // The same request again (a retry after a lost answer): it must not be written twice.
    Response retried = apply(trackedPut("k", "first", 1, 1)).get(0);

    assertEquals(first, retried);
    assertEquals(1, store.head("alice", bytes("k")).orElseThrow().getVersion());
    assertEquals(bytes("first"), store.get("alice", bytes("k")).orElseThrow().getValue());
    assertEquals(UsageResult.newBuilder().setBytes(8).setObjects(2).build(), store.usage("alice"));
    // Nothing but the applied position moved: a store without the retry entry, at the same
    // index, has the same digest.
    try (BlobStore twin = BlobStore.open(dir.resolve("twin"))) {
      twin.apply(1, 1, entry(1000, trackedPut("k", "first", 1, 1)));
      twin.apply(1, 2, entry(2000, put("alice", "other", "xyz")));
      assertArrayEquals(before, twin.digest());
      twin.apply(1, 3, entry(3000));
      assertArrayEquals(store.digest(), twin.digest());
    }
  }

  @Test
  void apply_retriedFailedWrite_returnsTheStoredFailureEvenIfItWouldNowSucceed() {
    apply(put("alice", "k", "v"));
    Command createOnly = command(putRequest("alice", "k", "new").setIfAbsent(true)
        .setWriteId(writeId("client-1", 1, 1)));
    Response conflict = apply(createOnly).get(0);
    assertEquals(Status.VERSION_CONFLICT, conflict.getStatus());
    apply(delete("alice", "k")); // now the condition would hold

    Response retried = apply(createOnly).get(0);

    assertEquals(conflict, retried);
    assertTrue(store.head("alice", bytes("k")).isEmpty());
  }

  @Test
  void apply_sameWriteIdTwiceInOneEntry_appliesOnce() {
    List<Response> responses = apply(trackedPut("k", "a", 1, 1), trackedPut("k", "a", 1, 1));

    assertEquals(responses.get(0), responses.get(1));
    assertEquals(bytes("a"), store.get("alice", bytes("k")).orElseThrow().getValue());
  }

  @Test
  void apply_deleteRetried_returnsFirstResponse() {
    apply(put("alice", "k", "v"));
    Command delete = command(deleteRequest("alice", "k").setWriteId(writeId("client-1", 1, 1)));
    Response first = apply(delete).get(0);
    apply(put("alice", "k", "again"));

    Response retried = apply(delete).get(0);

    assertEquals(first, retried);
    assertTrue(retried.getDelete().getExisted());
    assertEquals(bytes("again"), store.get("alice", bytes("k")).orElseThrow().getValue());
  }

  @Test
  void apply_ackedBelow_forgetsOlderSequencesOfThatClientOnly() {
    apply(trackedPut("k", "one", 1, 1)); // index 1
    apply(command(putRequest("alice", "other", "x")
        .setWriteId(writeId("client-2", 1, 1)))); // index 2
    apply(trackedPut("j", "two", 2, 2)); // index 3: client-1 has had the answer to 1

    // Sequence 1 of client-1 is forgotten: re-sent, it is a new write (new version).
    Response resent = apply(trackedPut("k", "one again", 1, 1)).get(0);
    assertEquals(4, resent.getPut().getMeta().getVersion());
    assertEquals(bytes("one again"), store.get("alice", bytes("k")).orElseThrow().getValue());
    // Sequence 2 of client-1 and sequence 1 of client-2 are still remembered.
    assertEquals(3, apply(trackedPut("j", "two", 2, 2)).get(0).getPut().getMeta()
        .getVersion());
    assertEquals(2, apply(command(putRequest("alice", "other", "x")
        .setWriteId(writeId("client-2", 1, 1)))).get(0).getPut().getMeta().getVersion());
  }

  @Test
  void apply_ackedBelowRaisedStepByStep_forgetsEveryAnsweredSequenceAndKeepsTheRest() {
    // A busy client: each write acknowledges the one before it (as the client library does).
    for (long sequence = 1; sequence <= 50; sequence++) {
      apply(trackedPut("k" + sequence, "v", sequence, sequence));
    }
    // Everything below 50 was forgotten (re-sent, each is a new write), 50 is still remembered.
    assertEquals(51, apply(trackedPut("k1", "v", 1, 1)).get(0).getPut().getMeta().getVersion());
    assertEquals(52, apply(trackedPut("k49", "v", 49, 49)).get(0).getPut().getMeta().getVersion());
    assertEquals(50, apply(trackedPut("k50", "v", 50, 50)).get(0).getPut().getMeta().getVersion());
    // A later acked_below that jumps ahead forgets what lies between the floor and it.
    apply(trackedPut("k60", "v", 60, 50));
    apply(trackedPut("k62", "v", 62, 61));
    assertEquals(56, apply(trackedPut("k60", "v", 60, 60)).get(0).getPut().getMeta().getVersion());
    // A jump of more than 64 sequences (scanned rather than deleted one by one) forgets as much.
    apply(trackedPut("k300", "v", 300, 62)); // index 57
    apply(trackedPut("k301", "v", 301, 301)); // index 58
    assertEquals(59, apply(trackedPut("k300", "v", 300, 300)).get(0).getPut().getMeta().getVersion());
    assertEquals(58, apply(trackedPut("k301", "v", 301, 301)).get(0).getPut().getMeta().getVersion());
  }

  @Test
  void apply_withoutClientId_isAppliedEveryTime() {
    Command untracked = put("alice", "k", "v");
    apply(untracked);
    Response again = apply(untracked).get(0);

    assertEquals(2, again.getPut().getMeta().getVersion());
  }

  @Test
  void apply_invalidWriteId_isInvalidArgumentAndNotRemembered() {
    Response bad = apply(command(putRequest("alice", "k", "v")
        .setWriteId(writeId("client-1", 3, 4)))).get(0);

    assertEquals(Status.INVALID_ARGUMENT, bad.getStatus());
    assertTrue(store.head("alice", bytes("k")).isEmpty());
    assertEquals(Status.OK, apply(trackedPut("k", "v", 3, 3)).get(0).getStatus());
  }
}
