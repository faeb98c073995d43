package dev.coffer.node.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.coffer.client.CofferClient;
import dev.coffer.client.ReplicaDigest;
import dev.coffer.node.storage.Validation;
import dev.coffer.node.testing.ProcessCluster;
import dev.coffer.node.testing.RawConnection;
import dev.coffer.node.testing.TestClients;
import dev.coffer.proto.GetRequest;
import dev.coffer.proto.ObjectMeta;
import dev.coffer.proto.PutRequest;
import dev.coffer.proto.Request;
import dev.coffer.proto.Response;
import dev.coffer.proto.Status;
import dev.coffer.proto.UsageRequest;
import dev.coffer.proto.WriteId;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, item 5, on real node processes and the raw wire protocol: two clients that send the
 * same (client id, sequence) for different writes. The second is refused with WRITE_ID_REUSED and
 * changes nothing, the first keeps its value and its retry still gets its first answer; other
 * client ids' acked_below, including ids that start like the first one, never make that retry
 * apply twice. Each request goes on a connection of its own.
 */
class WriteIdCollisionTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String SHARED_CLIENT_ID = "collide";

  @TempDir
  Path dir;
  private ProcessCluster cluster;
  private final AtomicLong requestIds = new AtomicLong();

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void put_writeIdOfAnotherClientsWrite_refusedAndFirstWriteKeptAndAppliedOnce() throws Exception {
    cluster = ProcessCluster.start(dir, 3, Map.of());
    PutRequest alicePut = put("alice", "photos/1.jpg", "alice's photo", writeId(SHARED_CLIENT_ID, 1, 1));

    Response first = callLeader(alicePut);
    assertEquals(Status.OK, first.getStatus(), first.getErrorMessage());
    ObjectMeta written = first.getPut().getMeta();

    // Another client, same write id: to another user's key, then to the same key.
    Response toBob = callLeader(put("bob", "notes/1", "bob's note", writeId(SHARED_CLIENT_ID, 1, 1)));
    Response overAlice = callLeader(put("alice", "photos/1.jpg", "mallory", writeId(SHARED_CLIENT_ID, 1, 1)));

    for (Response refused : List.of(toBob, overAlice)) {
      assertEquals(Status.WRITE_ID_REUSED, refused.getStatus(), refused.toString());
      assertTrue(refused.getErrorMessage().contains("already used for a different request"),
          refused.getErrorMessage());
      assertFalse(refused.hasPut(), "no metadata of the other write");
    }
    assertEquals(Status.NOT_FOUND, callLeader(get("bob", "notes/1")).getStatus());
    assertValue("alice", "photos/1.jpg", "alice's photo", written.getVersion());
    assertEquals(answer(first), answer(callLeader(alicePut)), "the first client's retry gets its first answer");

    // Other client ids, one a prefix of the shared id and one it is a prefix of, acknowledge
    // everything below sequence 100 of their own.
    for (String other : List.of("third-client", "collid", "collide2", "collide.x")) {
      Response own = callLeader(put("carol", "from-" + other, "x", writeId(other, 100, 100)));
      assertEquals(Status.OK, own.getStatus(), own.getErrorMessage());
    }

    assertEquals(answer(first), answer(callLeader(alicePut)), "still the first answer: not applied a second time");
    assertValue("alice", "photos/1.jpg", "alice's photo", written.getVersion());
    Response usage = callLeader(Request.newBuilder()
        .setUsage(UsageRequest.newBuilder().setUser("alice")).build());
    assertEquals(1, usage.getUsage().getObjects());
    assertReplicasAgree();
  }

  /** A reply without its request id, which differs per attempt. */
  private static Response answer(Response reply) {
    return reply.toBuilder().clearRequestId().build();
  }

  private void assertValue(String user, String key, String value, long version) throws Exception {
    Response got = callLeader(get(user, key));
    assertEquals(Status.OK, got.getStatus(), got.getErrorMessage());
    assertEquals(ByteString.copyFromUtf8(value), got.getGet().getValue());
    assertEquals(version, got.getGet().getMeta().getVersion());
  }

  /** Every replica, at one digest marker, holds the same state: refusals applied alike. */
  private void assertReplicasAgree() {
    try (CofferClient client = TestClients.retrying(cluster.endpoints(), Duration.ofSeconds(5), TIMEOUT)) {
      long index = client.markDigest();
      byte[] expected = null;
      for (String id : cluster.ids()) {
        ReplicaDigest digest = client.digest(cluster.clientAddress(id), index, TIMEOUT);
        if (expected == null) {
          expected = digest.sha256();
        }
        assertArrayEquals(expected, digest.sha256(), id + " differs at index " + index);
      }
    }
  }

  private static PutRequest put(String user, String key, String value, WriteId writeId) {
    ByteString bytes = ByteString.copyFromUtf8(value);
    return PutRequest.newBuilder().setUser(user).setKey(ByteString.copyFromUtf8(key)).setValue(bytes)
        .setCrc32C(Validation.crc32c(bytes)).setWriteId(writeId).build();
  }

  private static Request get(String user, String key) {
    return Request.newBuilder()
        .setGet(GetRequest.newBuilder().setUser(user).setKey(ByteString.copyFromUtf8(key))).build();
  }

  private static WriteId writeId(String clientId, long sequence, long ackedBelow) {
    return WriteId.newBuilder().setClientId(clientId).setSequence(sequence).setAckedBelow(ackedBelow)
        .build();
  }

  private Response callLeader(PutRequest put) throws Exception {
    return callLeader(Request.newBuilder().setPut(put).build());
  }

  /**
   * Sends the request on a new connection to the leader and returns its answer. NOT_LEADER and
   * UNAVAILABLE (an election under way on a busy machine) are waited out, resending the same
   * request as a client would, for at most {@link #TIMEOUT}.
   */
  private Response callLeader(Request request) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      Request framed = request.toBuilder().setRequestId(requestIds.incrementAndGet()).build();
      Response response;
      try (RawConnection connection = new RawConnection(
          cluster.clientAddress(cluster.awaitLeader(TIMEOUT)))) {
        response = connection.call(framed);
      } catch (IOException e) {
        response = null; // the leader went away mid-call: ask the next one
      }
      boolean retry = response == null || response.getStatus() == Status.NOT_LEADER
          || response.getStatus() == Status.UNAVAILABLE;
      if (!retry) {
        assertEquals(framed.getRequestId(), response.getRequestId(), "the reply names its request");
        return response;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no leader answered " + request.getOpCase() + " within " + TIMEOUT
            + "; last reply: " + response);
      }
      Thread.sleep(200);
    }
  }
}
