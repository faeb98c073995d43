package dev.coffer.node.storage;

import static dev.coffer.node.storage.TestEntries.bytes;
import static dev.coffer.node.storage.TestEntries.command;
import static dev.coffer.node.storage.TestEntries.delete;
import static dev.coffer.node.storage.TestEntries.deleteRequest;
import static dev.coffer.node.storage.TestEntries.entry;
import static dev.coffer.node.storage.TestEntries.put;
import static dev.coffer.node.storage.TestEntries.putRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.coffer.proto.Command;
import dev.coffer.proto.GetResult;
import dev.coffer.proto.ListResult;
import dev.coffer.proto.ObjectMeta;
import dev.coffer.proto.Response;
import dev.coffer.proto.Status;
import dev.coffer.proto.UsageResult;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobStoreApplyTest {

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

  /** Applies the commands as the next log entry, with timestamp 1000 * index. */
  private List<Response> apply(Command... commands) {
    long index = nextIndex++;
    return store.apply(1, index, entry(1000 * index, commands));
  }

  private Response applyOne(Command command) {
    List<Response> responses = apply(command);
    assertEquals(1, responses.size());
    return responses.get(0);
  }

  @Test
  void put_storesValueAndMetaReadableByGetAndHead() {
    Response response = applyOne(put("alice", "notes/a.txt", "hello"));

    assertEquals(Status.OK, response.getStatus());
    assertEquals(0, response.getRequestId());
    ObjectMeta meta = response.getPut().getMeta();
    assertEquals(bytes("notes/a.txt"), meta.getKey());
    assertEquals(1, meta.getVersion());
    assertEquals(5, meta.getSize());
    assertEquals(Validation.crc32c(bytes("hello")), meta.getCrc32C());
    assertEquals(1000, meta.getCreatedMillis());
    assertEquals(1000, meta.getModifiedMillis());
    GetResult got = store.get("alice", bytes("notes/a.txt")).orElseThrow();
    assertEquals(bytes("hello"), got.getValue());
    assertEquals(meta, got.getMeta());
    assertEquals(meta, store.head("alice", bytes("notes/a.txt")).orElseThrow());
    assertEquals(UsageResult.newBuilder().setBytes(5).setObjects(1).build(), store.usage("alice"));
  }

  @Test
  void get_missingKeyOrOtherUser_isEmpty() {
    applyOne(put("alice", "k", "v"));

    assertTrue(store.get("alice", bytes("other")).isEmpty());
    assertTrue(store.head("alice", bytes("other")).isEmpty());
    assertTrue(store.get("bob", bytes("k")).isEmpty());
    assertEquals(UsageResult.getDefaultInstance(), store.usage("bob"));
  }

  @Test
  void get_invalidUser_isRejectedNotLookedUp() {
    assertThrows(IllegalArgumentException.class, () -> store.get("a\0b", bytes("k")));
    assertThrows(IllegalArgumentException.class, () -> store.usage(""));
  }

  @Test
  void put_overwrite_keepsCreatedAdvancesVersionAndAdjustsUsage() {
    applyOne(put("alice", "k", "12345"));
    applyOne(put("alice", "other", "xy"));
    Response second = applyOne(put("alice", "k", "12"));

    ObjectMeta meta = second.getPut().getMeta();
    assertEquals(3, meta.getVersion());
    assertEquals(1000, meta.getCreatedMillis());
    assertEquals(3000, meta.getModifiedMillis());
    assertEquals(bytes("12"), store.get("alice", bytes("k")).orElseThrow().getValue());
    assertEquals(UsageResult.newBuilder().setBytes(4).setObjects(2).build(), store.usage("alice"));
  }

  @Test
  void delete_existing_removesObjectAndUsage() {
    applyOne(put("alice", "k", "12345"));
    applyOne(put("alice", "j", "1"));
    Response deleted = applyOne(delete("alice", "k"));

    assertEquals(Status.OK, deleted.getStatus());
    assertTrue(deleted.getDelete().getExisted());
    assertEquals(3, deleted.getDelete().getVersion());
    assertTrue(store.get("alice", bytes("k")).isEmpty());
    assertEquals(UsageResult.newBuilder().setBytes(1).setObjects(1).build(), store.usage("alice"));
    applyOne(delete("alice", "j"));
    assertEquals(UsageResult.getDefaultInstance(), store.usage("alice"));
  }

  @Test
  void delete_missing_isOkAndReportsNotExisted() {
    Response response = applyOne(delete("alice", "nothing"));

    assertEquals(Status.OK, response.getStatus());
    assertFalse(response.getDelete().getExisted());
    assertEquals(UsageResult.getDefaultInstance(), store.usage("alice"));
  }

  @Test
  void list_filtersByUserAndPrefixInByteOrder() {
    apply(put("alice", "b/2", "x"), put("alice", "a/1", "x"), put("alice", "b/1", "x"),
        put("alice", "b", "x"), put("alice", "c", "x"), put("alice.", "b/0", "x"),
        put("al", "b/0", "x"));

    ListResult all = store.list("alice", ByteString.EMPTY, ByteString.EMPTY, 100);
    assertEquals(List.of("a/1", "b", "b/1", "b/2", "c"), keys(all));
    assertFalse(all.getTruncated());
    ListResult underB = store.list("alice", bytes("b/"), ByteString.EMPTY, 100);
    assertEquals(List.of("b/1", "b/2"), keys(underB));
    assertEquals(List.of(), keys(store.list("alice", bytes("z"), ByteString.EMPTY, 10)));
    assertEquals(List.of(), keys(store.list("nobody", ByteString.EMPTY, ByteString.EMPTY, 10)));
  }

  @Test
  void list_startAfterAndLimit_pageThroughEveryKeyOnce() {
    for (int i = 0; i < 7; i++) {
      apply(put("alice", "p/" + i, "v"), put("alice", "q/" + i, "v"));
    }

    ListResult first = store.list("alice", bytes("p/"), ByteString.EMPTY, 3);
    assertEquals(List.of("p/0", "p/1", "p/2"), keys(first));
    assertTrue(first.getTruncated());
    ListResult second = store.list("alice", bytes("p/"), bytes("p/2"), 3);
    assertEquals(List.of("p/3", "p/4", "p/5"), keys(second));
    assertTrue(second.getTruncated());
    ListResult last = store.list("alice", bytes("p/"), bytes("p/5"), 3);
    assertEquals(List.of("p/6"), keys(last));
    assertFalse(last.getTruncated());
    // Exactly limit matches left: not truncated.
    assertFalse(store.list("alice", bytes("p/"), bytes("p/3"), 3).getTruncated());
  }

  @Test
  void list_startAfterOutsidePrefix_startsAtPrefixOrReturnsNothing() {
    apply(put("alice", "b/1", "v"), put("alice", "b/2", "v"), put("alice", "c", "v"));

    assertEquals(List.of("b/1", "b/2"), keys(store.list("alice", bytes("b/"), bytes("a"), 10)));
    assertEquals(List.of(), keys(store.list("alice", bytes("b/"), bytes("b0"), 10)));
    // start_after between keys that are not stored.
    assertEquals(List.of("b/2"), keys(store.list("alice", bytes("b/"), bytes("b/10"), 10)));
    assertThrows(IllegalArgumentException.class,
        () -> store.list("alice", ByteString.EMPTY, ByteString.EMPTY, 0));
  }

  @Test
  void put_ifAbsent_createsOnceThenConflicts() {
    assertEquals(Status.OK, applyOne(command(putRequest("alice", "k", "v1").setIfAbsent(true)))
        .getStatus());
    Response second = applyOne(command(putRequest("alice", "k", "v2").setIfAbsent(true)));

    assertEquals(Status.VERSION_CONFLICT, second.getStatus());
    assertTrue(second.getErrorMessage().contains("key already exists"));
    assertEquals(bytes("v1"), store.get("alice", bytes("k")).orElseThrow().getValue());
  }

  @Test
  void put_ifVersion_appliesOnlyOnMatchingVersion() {
    applyOne(put("alice", "k", "v1")); // version 1
    Response wrong = applyOne(command(putRequest("alice", "k", "v2").setIfVersion(7)));
    Response missing = applyOne(command(putRequest("alice", "nope", "v").setIfVersion(1)));
    Response right = applyOne(command(putRequest("alice", "k", "v3").setIfVersion(1)));

    assertEquals(Status.VERSION_CONFLICT, wrong.getStatus());
    assertTrue(wrong.getErrorMessage().contains("expected version 7"));
    assertTrue(wrong.getErrorMessage().contains("current version is 1"));
    assertEquals(Status.VERSION_CONFLICT, missing.getStatus());
    assertTrue(missing.getErrorMessage().contains("does not exist"));
    assertTrue(store.head("alice", bytes("nope")).isEmpty());
    assertEquals(Status.OK, right.getStatus());
    assertEquals(4, right.getPut().getMeta().getVersion());
    assertEquals(bytes("v3"), store.get("alice", bytes("k")).orElseThrow().getValue());
  }

  @Test
  void delete_ifVersion_deletesOnlyOnMatchingVersion() {
    applyOne(put("alice", "k", "v1")); // version 1
    Response wrong = applyOne(command(deleteRequest("alice", "k").setIfVersion(2)));
    Response missing = applyOne(command(deleteRequest("alice", "nope").setIfVersion(1)));

    assertEquals(Status.VERSION_CONFLICT, wrong.getStatus());
    assertTrue(store.head("alice", bytes("k")).isPresent());
    assertEquals(Status.VERSION_CONFLICT, missing.getStatus());
    Response right = applyOne(command(deleteRequest("alice", "k").setIfVersion(1)));
    assertEquals(Status.OK, right.getStatus());
    assertTrue(right.getDelete().getExisted());
    assertTrue(store.head("alice", bytes("k")).isEmpty());
  }

  @Test
  void apply_twoCommandsOnSameKeyInOneEntry_secondSeesFirst() {
    List<Response> responses = apply(put("alice", "k", "1234"), put("alice", "k", "12"),
        command(putRequest("alice", "k", "x").setIfAbsent(true)));

    assertEquals(Status.OK, responses.get(1).getStatus());
    assertEquals(Status.VERSION_CONFLICT, responses.get(2).getStatus());
    assertEquals(bytes("12"), store.get("alice", bytes("k")).orElseThrow().getValue());
    assertEquals(UsageResult.newBuilder().setBytes(2).setObjects(1).build(), store.usage("alice"));

    List<Response> putThenDelete = apply(put("alice", "j", "abc"), delete("alice", "j"),
        delete("alice", "j"));
    assertTrue(putThenDelete.get(1).getDelete().getExisted());
    assertFalse(putThenDelete.get(2).getDelete().getExisted());
    assertTrue(store.get("alice", bytes("j")).isEmpty());
    assertEquals(UsageResult.newBuilder().setBytes(2).setObjects(1).build(), store.usage("alice"));
  }

  @Test
  void apply_invalidUserOrKey_isInvalidArgumentAndStoresNothing() {
    byte[] notUtf8 = {'k', (byte) 0xc0, (byte) 0xaf};
    List<Response> responses = apply(
        put("bad user", "k", "v"),
        put("u".repeat(129), "k", "v"),
        put("", "k", "v"),
        put("alice", "", "v"),
        put("alice", "k".repeat(1025), "v"),
        command(putRequest("alice", "k", "v").setKey(ByteString.copyFrom(notUtf8))),
        delete("a\0b", "k"));

    for (Response response : responses) {
      assertEquals(Status.INVALID_ARGUMENT, response.getStatus(), response.toString());
      assertFalse(response.getErrorMessage().isEmpty());
    }
    assertEquals(List.of(), keys(store.list("alice", ByteString.EMPTY, ByteString.EMPTY, 10)));
    assertEquals(UsageResult.getDefaultInstance(), store.usage("alice"));
  }

  @Test
  void put_badChecksum_isCorruptDataAndStoresNothing() {
    Response response = applyOne(command(putRequest("alice", "k", "value").setCrc32C(12345)));

    assertEquals(Status.CORRUPT_DATA, response.getStatus());
    assertTrue(response.getErrorMessage().contains("checksum"));
    assertTrue(store.get("alice", bytes("k")).isEmpty());
    assertEquals(UsageResult.getDefaultInstance(), store.usage("alice"));
  }

  @Test
  void apply_commandWithoutOperation_isUnknownOperation() {
    List<Response> responses = apply(Command.getDefaultInstance(), put("alice", "k", "v"));

    assertEquals(Status.UNKNOWN_OPERATION, responses.get(0).getStatus());
    assertEquals(Status.OK, responses.get(1).getStatus());
  }

  @Test
  void put_emptyValue_isStored() {
    Response response = applyOne(put("alice", "empty", ""));

    assertEquals(Status.OK, response.getStatus());
    assertEquals(ByteString.EMPTY, store.get("alice", bytes("empty")).orElseThrow().getValue());
    assertEquals(UsageResult.newBuilder().setObjects(1).build(), store.usage("alice"));
  }

  private static List<String> keys(ListResult result) {
    return result.getObjectsList().stream().map(meta -> meta.getKey().toStringUtf8()).toList();
  }
}
