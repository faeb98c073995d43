package dev.coffer.node.storage;

import static dev.coffer.node.storage.TestEntries.bytes;
import static dev.coffer.node.storage.TestEntries.command;
import static dev.coffer.node.storage.TestEntries.deleteRequest;
import static dev.coffer.node.storage.TestEntries.entry;
import static dev.coffer.node.storage.TestEntries.putRequest;
import static dev.coffer.node.storage.TestEntries.writeId;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.proto.Command;
import dev.coffer.proto.PutRequest;
import dev.coffer.proto.Response;
import dev.coffer.proto.SessionRecord;
import dev.coffer.proto.Status;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;

/**
 * A write id names one request. The same request again is a retry and gets the first answer; a
 * different request under a remembered write id (a client that reused its id or sequence) is
 * refused with WRITE_ID_REUSED and changes nothing. A client's acked_below forgets its own
 * records only, whatever the other client ids look like.
 */
class BlobStoreWriteIdReuseTest {

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

  private Response apply(Command command) {
    long index = nextIndex++;
    return store.apply(1, index, entry(1000 * index, command)).get(0);
  }

  private static PutRequest.Builder alicePut() {
    return putRequest("alice", "photos/1.jpg", "alice's photo").setWriteId(writeId("c1", 1, 1));
  }

  private static Command put(UnaryOperator<PutRequest.Builder> change) {
    return command(change.apply(alicePut()));
  }

  @Test
  void apply_sameWriteIdSameRequest_returnsFirstResult() {
    Response first = apply(put(p -> p));

    Response retried = apply(put(p -> p));

    assertEquals(Status.OK, first.getStatus());
    assertEquals(first, retried);
    assertEquals(1, store.head("alice", bytes("photos/1.jpg")).orElseThrow().getVersion());
    assertStateIsOnlyTheFirstPut();
  }

  @Test
  void apply_sameWriteIdNewerAckedBelow_isStillTheSameRequest() {
    Response first = apply(put(p -> p.setWriteId(writeId("c1", 5, 1))));

    Response retried = apply(put(p -> p.setWriteId(writeId("c1", 5, 4))));

    assertEquals(first, retried);
  }

  @Test
  void apply_sameWriteIdOtherUser_isWriteIdReusedAndChangesNothing() {
    assertRefusedAfterAlicePut(put(p -> p.setUser("bob")));
    assertTrue(store.head("bob", bytes("photos/1.jpg")).isEmpty());
  }

  @Test
  void apply_sameWriteIdOtherKey_isWriteIdReusedAndChangesNothing() {
    assertRefusedAfterAlicePut(put(p -> p.setKey(bytes("photos/2.jpg"))));
    assertTrue(store.head("alice", bytes("photos/2.jpg")).isEmpty());
  }

  @Test
  void apply_sameWriteIdOtherValue_isWriteIdReusedAndChangesNothing() {
    assertRefusedAfterAlicePut(command(putRequest("alice", "photos/1.jpg", "another photo")
        .setWriteId(writeId("c1", 1, 1))));
  }

  @Test
  void apply_sameWriteIdOtherCondition_isWriteIdReusedAndChangesNothing() {
    assertRefusedAfterAlicePut(put(p -> p.setIfAbsent(true)));
    assertRefusedAfterAlicePut(put(p -> p.setIfVersion(1)));
  }

  @Test
  void apply_sameWriteIdDeleteInsteadOfPut_isWriteIdReusedAndChangesNothing() {
    assertRefusedAfterAlicePut(command(deleteRequest("alice", "photos/1.jpg")
        .setWriteId(writeId("c1", 1, 1))));
  }

  @Test
  void apply_sameWriteIdPutInsteadOfDelete_isWriteIdReused() {
    apply(command(putRequest("alice", "k", "v")));
    Response deleted = apply(command(deleteRequest("alice", "k").setWriteId(writeId("c1", 1, 1))));
    assertTrue(deleted.getDelete().getExisted());

    Response reused = apply(command(putRequest("alice", "k", "v").setWriteId(writeId("c1", 1, 1))));

    assertEquals(Status.WRITE_ID_REUSED, reused.getStatus());
    assertTrue(store.head("alice", bytes("k")).isEmpty());
  }

  @Test
  void apply_reusedWriteIdWithHigherAckedBelow_forgetsNothing() {
    apply(put(p -> p.setWriteId(writeId("c1", 1, 1))));
    Command second = command(putRequest("alice", "k2", "v2").setWriteId(writeId("c1", 2, 1)));
    apply(second);

    // Sequence 2 reused for another request, claiming every answer below 2 arrived.
    Response reused = apply(command(putRequest("bob", "k", "x").setWriteId(writeId("c1", 2, 2))));

    assertEquals(Status.WRITE_ID_REUSED, reused.getStatus());
    Response retryOfFirst = apply(put(p -> p.setWriteId(writeId("c1", 1, 1))));
    assertEquals(1, retryOfFirst.getPut().getMeta().getVersion(), "sequence 1 is still remembered");
  }

  @Test
  void apply_twoRequestsUnderOneWriteIdInOneEntry_secondIsWriteIdReused() {
    List<Response> responses = store.apply(1, nextIndex++, entry(1000, put(p -> p),
        put(p -> p.setUser("bob"))));

    assertEquals(Status.OK, responses.get(0).getStatus());
    assertEquals(Status.WRITE_ID_REUSED, responses.get(1).getStatus());
    assertTrue(store.head("bob", bytes("photos/1.jpg")).isEmpty());
  }

  @Test
  void apply_ackedBelowOfClientA_keepsRecordsOfClientAb() {
    Command ofAb = command(putRequest("alice", "from-ab", "ab").setWriteId(writeId("ab", 1, 1)));
    Command ofAColon = command(putRequest("alice", "from-a:", "a:").setWriteId(writeId("a:", 1, 1)));
    Response firstOfAb = apply(ofAb);
    Response firstOfAColon = apply(ofAColon);
    apply(command(putRequest("alice", "from-a", "1").setWriteId(writeId("a", 1, 1))));

    // Client "a" has had every answer below 1000: only its own records may go.
    apply(command(putRequest("alice", "from-a", "2").setWriteId(writeId("a", 1000, 1000))));

    assertEquals(firstOfAb, apply(ofAb), "ab's retry gets its first answer, not a second write");
    assertEquals(firstOfAColon, apply(ofAColon));
    Response resentOfA = apply(command(putRequest("alice", "from-a", "1")
        .setWriteId(writeId("a", 1, 1))));
    assertEquals(store.appliedIndex(), resentOfA.getPut().getMeta().getVersion(),
        "a's own forgotten sequence is a new write");
  }

  @Test
  void apply_ackedBelowOfOneClient_keepsRecordsOfEveryOtherClient() {
    List<String> others = List.of("A", "a0", "a-", "a.", "b", "Z", "0", "ab", "aa");
    for (String other : others) {
      apply(command(putRequest("alice", "of-" + other, other).setWriteId(writeId(other, 7, 7))));
    }
    apply(command(putRequest("alice", "of-a", "a").setWriteId(writeId("a", 1, 1))));

    apply(command(putRequest("alice", "of-a", "a").setWriteId(writeId("a", 9, 9))));

    for (String other : others) {
      Response retried = apply(command(putRequest("alice", "of-" + other, other)
          .setWriteId(writeId(other, 7, 7))));
      assertEquals(1 + others.indexOf(other), retried.getPut().getMeta().getVersion(),
          "client " + other + " keeps its record");
    }
  }

  @Test
  void apply_recordWithoutFingerprint_isAnsweredAsBefore() throws Exception {
    Response first = apply(put(p -> p));
    stripFingerprint("c1", 1);

    Response retried = apply(put(p -> p.setUser("bob")));

    assertEquals(first, retried, "a record from before fingerprints is taken as matching");
    assertTrue(store.head("bob", bytes("photos/1.jpg")).isEmpty());
  }

  @Test
  void fingerprint_equalRequests_equal_otherwiseDiffer() {
    PutRequest base = alicePut().build();
    assertEquals(WriteFingerprint.of(base), WriteFingerprint.of(base.toBuilder()
        .setWriteId(writeId("other", 9, 3)).build()), "the write id is not part of it");
    List<PutRequest> variants = List.of(
        base.toBuilder().setUser("alicf").build(),
        base.toBuilder().setKey(bytes("photos/1.jpe")).build(),
        putRequest("alice", "photos/1.jpg", "alice's photO").build(),
        base.toBuilder().setIfAbsent(true).build(),
        base.toBuilder().setIfVersion(1).build(),
        // The same bytes split differently between user and key.
        base.toBuilder().setUser("alicep").setKey(bytes("hotos/1.jpg")).build());
    for (PutRequest variant : variants) {
      assertFalse(WriteFingerprint.of(base).equals(WriteFingerprint.of(variant)), variant.toString());
    }
    assertEquals(32, WriteFingerprint.of(base).size());
  }

  private void assertRefusedAfterAlicePut(Command reuse) {
    if (store.appliedIndex() == 0) {
      assertEquals(Status.OK, apply(put(p -> p)).getStatus());
    }

    Response refused = apply(reuse);

    assertEquals(Status.WRITE_ID_REUSED, refused.getStatus());
    assertTrue(refused.getErrorMessage().contains("already used for a different request"),
        refused.getErrorMessage());
    assertFalse(refused.getErrorMessage().contains("alice"), "names nothing of the other request");
    assertEquals(bytes("alice's photo"),
        store.get("alice", bytes("photos/1.jpg")).orElseThrow().getValue());
    assertStateIsOnlyTheFirstPut();
    // The original request still gets its own first answer.
    assertEquals(1, apply(put(p -> p)).getPut().getMeta().getVersion());
  }

  /**
   * Compares the whole store (objects, usage, session records) with a twin that applied alice's
   * put alone at index 1 and nothing else up to the same index.
   */
  private void assertStateIsOnlyTheFirstPut() {
    try (BlobStore twin = BlobStore.open(dir.resolve("twin-" + nextIndex))) {
      twin.apply(1, 1, entry(1000, put(p -> p)));
      if (store.appliedIndex() > 1) {
        twin.apply(1, store.appliedIndex(), entry(0));
      }
      assertArrayEquals(twin.digest(), store.digest(), "nothing but the applied position moved");
    }
  }

  /** Rewrites a session record as a node from before fingerprints would have stored it. */
  private void stripFingerprint(String clientId, long sequence) throws Exception {
    store.close();
    try (RocksDbAccess access = new RocksDbAccess(dir.resolve("db"))) {
      byte[] key = StoreKeys.session(clientId, sequence);
      SessionRecord record = SessionRecord.parseFrom(access.db.get(access.sessions, key));
      assertFalse(record.getRequestFingerprint().isEmpty());
      access.db.put(access.sessions, key,
          record.toBuilder().clearRequestFingerprint().build().toByteArray());
    }
    store = BlobStore.open(dir.resolve("db"));
  }

  /** The raw database, opened with the store's column families. */
  private static final class RocksDbAccess implements AutoCloseable {
    final RocksDB db;
    final ColumnFamilyHandle sessions;
    private final List<ColumnFamilyHandle> handles = new java.util.ArrayList<>();
    private final org.rocksdb.DBOptions options = new org.rocksdb.DBOptions();

    RocksDbAccess(Path dbDir) throws Exception {
      List<org.rocksdb.ColumnFamilyDescriptor> descriptors = StoreKeys.COLUMN_FAMILIES.stream()
          .map(name -> new org.rocksdb.ColumnFamilyDescriptor(
              name.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
          .toList();
      db = RocksDB.open(options, dbDir.toString(), descriptors, handles);
      sessions = handles.get(StoreKeys.COLUMN_FAMILIES.indexOf(StoreKeys.SESSIONS_CF));
    }

    @Override
    public void close() {
      handles.forEach(ColumnFamilyHandle::close);
      db.close();
      options.close();
    }
  }
}
