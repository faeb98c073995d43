package dev.coffer.node.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.coffer.node.storage.Validation;
import dev.coffer.node.testing.InProcessCluster;
import dev.coffer.node.testing.RawConnection;
import dev.coffer.proto.DeleteRequest;
import dev.coffer.proto.GetRequest;
import dev.coffer.proto.HeadRequest;
import dev.coffer.proto.LeaderCheckRequest;
import dev.coffer.proto.ListRequest;
import dev.coffer.proto.PutRequest;
import dev.coffer.proto.Request;
import dev.coffer.proto.Response;
import dev.coffer.proto.Status;
import dev.coffer.proto.StatusRequest;
import dev.coffer.proto.UsageRequest;
import dev.coffer.proto.WriteId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every operation and every error status of the client protocol, over real sockets to a real 3-node cluster. */
class ProtocolTest {
  static final int MAX_VALUE = 64 << 10;
  static final int MAX_FRAME = MAX_VALUE + (64 << 10);
  static final Duration FRAME_TIMEOUT = Duration.ofSeconds(2);
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(3);

  @TempDir
  static Path dir;
  static InProcessCluster cluster;
  static String leader;
  static String follower;
  static final AtomicLong ids = new AtomicLong();
  static final AtomicLong sequence = new AtomicLong();

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = InProcessCluster.start(dir, 3, Map.of("max.value.bytes", Integer.toString(MAX_VALUE),
        "client.frame.timeout.ms", Long.toString(FRAME_TIMEOUT.toMillis()),
        "client.idle.timeout.ms", Long.toString(IDLE_TIMEOUT.toMillis())));
    leader = cluster.awaitLeader();
    follower = cluster.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
  }

  @AfterAll
  static void stopCluster() throws IOException {
    if (cluster != null) {
      cluster.close();
    }
  }

  static RawConnection connect(String id) throws IOException {
    return new RawConnection(cluster.clientAddress(id));
  }

  static ByteString bytes(String s) {
    return ByteString.copyFromUtf8(s);
  }

  static WriteId nextWriteId() {
    return WriteId.newBuilder().setClientId("protocol-test").setSequence(sequence.incrementAndGet()).build();
  }

  static PutRequest.Builder put(String user, String key, byte[] value) {
    ByteString v = ByteString.copyFrom(value);
    return PutRequest.newBuilder().setUser(user).setKey(bytes(key)).setValue(v)
        .setCrc32C(Validation.crc32c(v)).setWriteId(nextWriteId());
  }

  static Request request(PutRequest.Builder put) {
    return Request.newBuilder().setRequestId(ids.incrementAndGet()).setPut(put).build();
  }

  static Response call(String node, Request request) throws IOException {
    try (RawConnection c = connect(node)) {
      Response r = c.call(request);
      assertEquals(request.getRequestId(), r.getRequestId(), "reply carries the request id");
      return r;
    }
  }

  static Request get(String user, String key) {
    return Request.newBuilder().setRequestId(ids.incrementAndGet())
        .setGet(GetRequest.newBuilder().setUser(user).setKey(bytes(key))).build();
  }

  @Test
  void put_thenEveryReadAndDelete_roundTrip() throws IOException {
    byte[] value = "hello, coffer".getBytes(StandardCharsets.UTF_8);
    Response put = call(leader, request(put("alice", "notes/1", value)));
    assertEquals(Status.OK, put.getStatus(), put.getErrorMessage());
    long version = put.getPut().getMeta().getVersion();
    assertTrue(version > 0);
    assertEquals(value.length, put.getPut().getMeta().getSize());

    Response got = call(leader, get("alice", "notes/1"));
    assertEquals(Status.OK, got.getStatus());
    assertArrayEquals(value, got.getGet().getValue().toByteArray());
    assertEquals(version, got.getGet().getMeta().getVersion());
    assertEquals(Validation.crc32c(ByteString.copyFrom(value)), got.getGet().getMeta().getCrc32C());
    assertTrue(got.getAppliedIndex() >= version);

    Response head = call(leader, Request.newBuilder().setRequestId(ids.incrementAndGet())
        .setHead(HeadRequest.newBuilder().setUser("alice").setKey(bytes("notes/1"))).build());
    assertEquals(Status.OK, head.getStatus());
    assertEquals(version, head.getHead().getMeta().getVersion());

    call(leader, request(put("alice", "notes/2", new byte[] {1, 2, 3})));
    call(leader, request(put("alice", "photos/1", new byte[] {0, (byte) 255})));
    Response list = call(leader, Request.newBuilder().setRequestId(ids.incrementAndGet())
        .setList(ListRequest.newBuilder().setUser("alice").setPrefix(bytes("notes/")).setLimit(1)).build());
    assertEquals(Status.OK, list.getStatus());
    assertEquals(1, list.getList().getObjectsCount());
    assertEquals("notes/1", list.getList().getObjects(0).getKey().toStringUtf8());
    assertTrue(list.getList().getTruncated());

    Response usage = call(leader, Request.newBuilder().setRequestId(ids.incrementAndGet())
        .setUsage(UsageRequest.newBuilder().setUser("alice")).build());
    assertEquals(3, usage.getUsage().getObjects());
    assertEquals(value.length + 3 + 2, usage.getUsage().getBytes());

    Response delete = call(leader, Request.newBuilder().setRequestId(ids.incrementAndGet())
        .setDelete(DeleteRequest.newBuilder().setUser("alice").setKey(bytes("notes/1")).setWriteId(nextWriteId()))
        .build());
    assertEquals(Status.OK, delete.getStatus());
    assertTrue(delete.getDelete().getExisted());
    assertEquals(Status.NOT_FOUND, call(leader, get("alice", "notes/1")).getStatus());
  }

  @Test
  void put_conditions_versionConflict() throws IOException {
    Response first = call(leader, request(put("bob", "k", new byte[] {1}).setIfAbsent(true)));
    assertEquals(Status.OK, first.getStatus());
    long version = first.getPut().getMeta().getVersion();

    assertEquals(Status.VERSION_CONFLICT, call(leader, request(put("bob", "k", new byte[] {2}).setIfAbsent(true))).getStatus());
    assertEquals(Status.VERSION_CONFLICT,
        call(leader, request(put("bob", "k", new byte[] {2}).setIfVersion(version + 1000))).getStatus());
    Response ok = call(leader, request(put("bob", "k", new byte[] {3}).setIfVersion(version)));
    assertEquals(Status.OK, ok.getStatus());

    Response staleDelete = call(leader, Request.newBuilder().setRequestId(ids.incrementAndGet())
        .setDelete(DeleteRequest.newBuilder().setUser("bob").setKey(bytes("k")).setIfVersion(version)
            .setWriteId(nextWriteId())).build());
    assertEquals(Status.VERSION_CONFLICT, staleDelete.getStatus());
    assertArrayEquals(new byte[] {3}, call(leader, get("bob", "k")).getGet().getValue().toByteArray());
  }

  @Test
  void put_sameWriteIdTwice_appliedOnce() throws IOException {
    PutRequest.Builder put = put("carol", "once", new byte[] {9, 9});
    Response first = call(leader, request(put));
    Response retry = call(leader, request(put));
    assertEquals(Status.OK, retry.getStatus());
    assertEquals(first.getPut().getMeta().getVersion(), retry.getPut().getMeta().getVersion(),
        "the retry gets the first answer, not a second write");
    Response usage = call(leader, Request.newBuilder().setRequestId(ids.incrementAndGet())
        .setUsage(UsageRequest.newBuilder().setUser("carol")).build());
    assertEquals(1, usage.getUsage().getObjects());
  }

  @Test
  void get_missingKey_notFound() throws IOException {
    Response r = call(leader, get("nobody", "nothing"));
    assertEquals(Status.NOT_FOUND, r.getStatus());
    assertFalse(r.getErrorMessage().isEmpty());
  }

  @Test
  void badInput_invalidArgument_andNothingStored() throws IOException {
    assertEquals(Status.INVALID_ARGUMENT, call(leader, request(put("bad user", "k", new byte[1]))).getStatus());
    assertEquals(Status.INVALID_ARGUMENT, call(leader, request(put("", "k", new byte[1]))).getStatus());
    assertEquals(Status.INVALID_ARGUMENT, call(leader, request(put("u".repeat(129), "k", new byte[1]))).getStatus());
    assertEquals(Status.INVALID_ARGUMENT, call(leader, request(put("dave", "", new byte[1]))).getStatus());
    assertEquals(Status.INVALID_ARGUMENT, call(leader, request(put("dave", "k".repeat(1025), new byte[1]))).getStatus());
    PutRequest.Builder badUtf8 = put("dave", "x", new byte[1]).setKey(ByteString.copyFrom(new byte[] {(byte) 0xC3, 0x28}));
    Response r = call(leader, request(badUtf8));
    assertEquals(Status.INVALID_ARGUMENT, r.getStatus());
    assertFalse(r.getErrorMessage().isEmpty());
    assertEquals(Status.INVALID_ARGUMENT, call(leader, get("dave", "k".repeat(1025))).getStatus());
    Response usage = call(leader, Request.newBuilder().setRequestId(ids.incrementAndGet())
        .setUsage(UsageRequest.newBuilder().setUser("dave")).build());
    assertEquals(0, usage.getUsage().getObjects());
  }

  @Test
  void put_checksumMismatch_corruptData() throws IOException {
    Response r = call(leader, request(put("erin", "k", new byte[] {1, 2, 3}).setCrc32C(12345)));
    assertEquals(Status.CORRUPT_DATA, r.getStatus());
    assertEquals(Status.NOT_FOUND, call(leader, get("erin", "k")).getStatus());
  }

  @Test
  void put_valueAboveLimit_valueTooLarge() throws IOException {
    Response r = call(leader, request(put("frank", "big", new byte[MAX_VALUE + 1])));
    assertEquals(Status.VALUE_TOO_LARGE, r.getStatus());
    assertTrue(r.getErrorMessage().contains(Integer.toString(MAX_VALUE)), r.getErrorMessage());
    assertEquals(Status.OK, call(leader, request(put("frank", "max", new byte[MAX_VALUE]))).getStatus());
  }

  @Test
  void request_withOnlyUnknownFields_unknownOperation() throws IOException {
    // field 99 (varint 1) is no operation this node knows; request_id = 7
    byte[] body = {0x08, 0x07, (byte) 0x98, 0x06, 0x01};
    try (RawConnection c = connect(leader)) {
      c.sendFrame(body);
      Response r = c.read();
      assertEquals(Status.UNKNOWN_OPERATION, r.getStatus());
      assertEquals(7, r.getRequestId());
      assertEquals(Status.NOT_FOUND, c.call(get("nobody", "nothing")).getStatus(), "the connection stays usable");
    }
  }

  @Test
  void leaderCheck_fromAClient_invalidArgumentOnEveryNode() throws IOException {
    for (String id : cluster.ids()) {
      try (RawConnection c = connect(id)) {
        Response r = c.call(Request.newBuilder().setRequestId(ids.incrementAndGet())
            .setLeaderCheck(LeaderCheckRequest.newBuilder().setTerm(1 << 20).setAskerId("intruder")).build());
        assertEquals(Status.INVALID_ARGUMENT, r.getStatus(), id);
        assertTrue(r.getErrorMessage().contains("not accepted from clients"), r.getErrorMessage());
        assertFalse(r.hasLeaderCheck(), "no Raft state is given out");
        assertEquals(id.equals(leader) ? Status.NOT_FOUND : Status.NOT_LEADER,
            c.call(get("nobody", "nothing")).getStatus(), "the connection stays usable");
      }
    }
  }

  @Test
  void frame_notProtobuf_malformedFrameThenClosed() throws IOException {
    try (RawConnection c = connect(leader)) {
      c.sendFrame(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f});
      Response r = c.read();
      assertEquals(Status.MALFORMED_FRAME, r.getStatus());
      assertTrue(c.closedByPeer());
    }
    assertEquals(Status.OK, call(leader, Request.newBuilder().setRequestId(1).setStatus(StatusRequest.getDefaultInstance())
        .build()).getStatus(), "the node is still up");
  }

  @Test
  void frame_atTheDocumentedLimit_admitted() throws IOException {
    try (RawConnection c = connect(leader)) {
      c.sendFrame(unknownOperationOfSize(42, MAX_FRAME));
      Response r = c.read();
      assertEquals(Status.UNKNOWN_OPERATION, r.getStatus(), "a frame of max.value.bytes + 64 KiB is read");
      assertEquals(42, r.getRequestId());
    }
  }

  @Test
  void frame_oneByteAboveLimit_valueTooLargeAndConnectionStaysUsable() throws IOException {
    try (RawConnection c = connect(leader)) {
      c.sendFrame(unknownOperationOfSize(43, MAX_FRAME + 1));
      Response r = c.read();
      assertEquals(Status.VALUE_TOO_LARGE, r.getStatus());
      assertEquals(43, r.getRequestId(), "the refusal names the request");
      assertTrue(r.getErrorMessage().contains("limit"), r.getErrorMessage());
      assertEquals(Status.NOT_FOUND, c.call(get("nobody", "nothing")).getStatus(), "the connection stays usable");
    }
  }

  @Test
  void put_valueAboveFrameLimit_valueTooLargeWithItsRequestId() throws IOException {
    try (RawConnection c = connect(leader)) {
      Request tooLarge = request(put("frank", "huge", new byte[MAX_FRAME + 1024]));
      Response r = c.call(tooLarge);
      assertEquals(Status.VALUE_TOO_LARGE, r.getStatus(), r.getErrorMessage());
      assertEquals(tooLarge.getRequestId(), r.getRequestId());
    }
    assertEquals(Status.NOT_FOUND, call(leader, get("frank", "huge")).getStatus(), "nothing was stored");
  }

  @Test
  void frame_declaring1GiB_valueTooLargeAtOnceWithoutReadingTheRest() throws IOException {
    try (RawConnection c = connect(leader)) {
      // the length, then only the request id (44) and a few bytes of the gigabyte
      c.sendRaw(ByteBuffer.allocate(4 + 11).putInt(1 << 30).put((byte) 0x08).put((byte) 44).array());
      Response r = c.read();
      assertEquals(Status.VALUE_TOO_LARGE, r.getStatus());
      assertEquals(44, r.getRequestId());
      assertTrue(r.getErrorMessage().contains(Integer.toString(1 << 30)), r.getErrorMessage());
    }
  }

  @Test
  void frame_unreadableThenAPutInTheSameWrite_malformedAndThePutNeverServed() throws IOException {
    byte[] put = request(put("mallory", "after-garbage", new byte[] {1})).toByteArray();
    ByteBuffer both = ByteBuffer.allocate(4 + 5 + 4 + put.length)
        .putInt(5).put(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f})
        .putInt(put.length).put(put);
    try (RawConnection c = connect(leader)) {
      c.sendRaw(both.array());
      assertEquals(Status.MALFORMED_FRAME, c.read().getStatus());
      assertTrue(c.closedByPeer());
    }
    assertEquals(Status.NOT_FOUND, call(leader, get("mallory", "after-garbage")).getStatus(),
        "a request read together with an unreadable frame is dropped, never served unanswered");
  }

  @Test
  void frame_lengthWithTopBitSet_malformedFrameThenClosed() throws IOException {
    try (RawConnection c = connect(leader)) {
      c.sendRaw(new byte[] {(byte) 0x80, 0, 0, 1, 1, 2, 3});
      assertEquals(Status.MALFORMED_FRAME, c.read().getStatus());
      assertTrue(c.closedByPeer());
    }
  }

  @Test
  void get_userIdNotUtf8_invalidArgumentAndConnectionStaysUsable() throws IOException {
    // request_id = 9; get { user = bytes 0xff 0xfe (not UTF-8), key = "k" }
    byte[] body = {0x08, 0x09, 0x5a, 0x07, 0x0a, 0x02, (byte) 0xff, (byte) 0xfe, 0x12, 0x01, 'k'};
    try (RawConnection c = connect(leader)) {
      c.sendFrame(body);
      Response r = c.read();
      assertEquals(Status.INVALID_ARGUMENT, r.getStatus(), r.getErrorMessage());
      assertEquals(9, r.getRequestId());
      assertTrue(r.getErrorMessage().contains("UTF-8"), r.getErrorMessage());
      assertEquals(Status.NOT_FOUND, c.call(get("nobody", "nothing")).getStatus(), "the connection stays usable");
    }
  }

  @Test
  void frame_trickledSlowly_connectionClosedAfterFrameTimeout() throws Exception {
    try (RawConnection c = connect(leader)) {
      c.sendRaw(ByteBuffer.allocate(4).putInt(1000).array());
      long start = System.nanoTime();
      for (int i = 0; i < 20 && !c.isClosedWithin(Duration.ofMillis(500)); i++) {
        c.sendRaw(new byte[] {0x08}); // one byte now and then, never the whole frame
      }
      assertTrue(c.closedByPeer(), "a frame that does not arrive in time closes the connection");
      assertTrue(System.nanoTime() - start >= FRAME_TIMEOUT.toNanos() / 2, "not before its time");
    }
  }

  @Test
  void connection_idle_closedAfterIdleTimeout() throws Exception {
    try (RawConnection c = connect(leader)) {
      assertEquals(Status.NOT_FOUND, c.call(get("nobody", "idle")).getStatus());
      assertTrue(c.isClosedWithin(IDLE_TIMEOUT.multipliedBy(4)), "an idle connection is closed");
    }
  }

  /** A request of exactly {@code size} bytes: an id and one unknown field padded out. */
  static byte[] unknownOperationOfSize(int requestId, int size) {
    // 0x08 id | tag of field 99, length-delimited (2 bytes) | 3-byte varint length | padding
    int padding = size - 2 - 2 - 3;
    ByteBuffer b = ByteBuffer.allocate(size);
    b.put((byte) 0x08).put((byte) requestId).put((byte) 0x9a).put((byte) 0x06);
    b.put((byte) (0x80 | (padding & 0x7f))).put((byte) (0x80 | ((padding >> 7) & 0x7f))).put((byte) (padding >> 14));
    return b.array();
  }

  @Test
  void follower_writesAndReads_notLeaderWithLeaderAddress() throws IOException {
    Response write = call(follower, request(put("gina", "k", new byte[] {1})));
    assertEquals(Status.NOT_LEADER, write.getStatus());
    assertEquals(cluster.clientAddress(leader), write.getLeaderAddress());
    Response read = call(follower, get("gina", "k"));
    assertEquals(Status.NOT_LEADER, read.getStatus());
    assertEquals(cluster.clientAddress(leader), read.getLeaderAddress());
  }

  @Test
  void follower_staleRead_answersFromLocalState() throws IOException {
    Response put = call(leader, request(put("hank", "k", new byte[] {4, 2})));
    long version = put.getPut().getMeta().getVersion();
    dev.coffer.node.testing.Await.until("follower applied the write", java.time.Duration.ofSeconds(10),
        () -> cluster.node(follower).raft().appliedIndex() >= version);
    Request stale = Request.newBuilder().setRequestId(ids.incrementAndGet())
        .setGet(GetRequest.newBuilder().setUser("hank").setKey(bytes("k")).setStaleOk(true)).build();
    Response r = call(follower, stale);
    assertEquals(Status.OK, r.getStatus());
    assertArrayEquals(new byte[] {4, 2}, r.getGet().getValue().toByteArray());
    assertTrue(r.getAppliedIndex() >= version);
  }

  @Test
  void status_everyNode_reportsRaftState() throws IOException {
    for (String id : cluster.ids()) {
      Response r = call(id, Request.newBuilder().setRequestId(5).setStatus(StatusRequest.getDefaultInstance()).build());
      assertEquals(Status.OK, r.getStatus());
      assertEquals(id, r.getStatusResult().getNodeId());
      assertEquals(leader, r.getStatusResult().getLeaderId());
      assertEquals(id.equals(leader) ? "LEADER" : "FOLLOWER", r.getStatusResult().getRole());
      assertEquals(3, r.getStatusResult().getPeersCount());
      assertTrue(r.getStatusResult().getTerm() > 0);
      assertEquals(cluster.clientAddress(id), r.getStatusResult().getClientAddress());
    }
  }

  @Test
  void pipelined_manyRequestsOnOneConnection_allAnsweredById() throws IOException {
    int n = 200;
    Map<Long, String> expected = new HashMap<>();
    try (RawConnection c = connect(leader)) {
      for (int i = 0; i < n; i++) {
        Request r = request(put("ivy", "k" + i, ("v" + i).getBytes(StandardCharsets.UTF_8)));
        expected.put(r.getRequestId(), "k" + i);
        c.send(r);
      }
      Set<Long> seen = new HashSet<>();
      Set<Long> versions = new HashSet<>();
      for (int i = 0; i < n; i++) {
        Response r = c.read();
        assertEquals(Status.OK, r.getStatus(), r.getErrorMessage());
        assertTrue(seen.add(r.getRequestId()));
        assertEquals(expected.get(r.getRequestId()), r.getPut().getMeta().getKey().toStringUtf8());
        versions.add(r.getPut().getMeta().getVersion());
      }
      assertEquals(expected.keySet(), seen);
      assertNotEquals(0, versions.size());
    }
  }
}
