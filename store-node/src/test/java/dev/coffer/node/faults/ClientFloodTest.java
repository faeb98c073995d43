package dev.coffer.node.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.coffer.client.CofferClient;
import dev.coffer.node.storage.Validation;
import dev.coffer.node.testing.ProcessCluster;
import dev.coffer.node.testing.RawConnection;
import dev.coffer.proto.GetRequest;
import dev.coffer.proto.PutRequest;
import dev.coffer.proto.Request;
import dev.coffer.proto.Response;
import dev.coffer.proto.ScrubRequest;
import dev.coffer.proto.Status;
import dev.coffer.proto.WriteId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Careless and hostile clients against real node processes (heap 384 MiB): clients that never
 * read their replies, connections holding half-sent large frames, floods of idle or trickling
 * connections, queues of maintenance work. The leader must stay up and keep serving an ordinary
 * client throughout; each test prints the leader's resident memory and the ordinary client's
 * latencies for the record.
 */
class ClientFloodTest {
  private static final int MAX_CONNECTIONS = 200;
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(4);
  private static final Duration FRAME_TIMEOUT = Duration.ofSeconds(3);
  private static final AtomicLong IDS = new AtomicLong();

  @TempDir
  static Path dir;
  static ProcessCluster cluster;
  static CofferClient client;
  String leader;
  final List<RawConnection> raw = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = ProcessCluster.start(dir, 3, Map.of(
        "client.max.connections", Integer.toString(MAX_CONNECTIONS),
        "client.idle.timeout.ms", Long.toString(IDLE_TIMEOUT.toMillis()),
        "client.frame.timeout.ms", Long.toString(FRAME_TIMEOUT.toMillis())));
    client = CofferClient.builder().endpoints(cluster.endpoints())
        .requestTimeout(Duration.ofSeconds(5)).operationTimeout(Duration.ofSeconds(20)).build();
  }

  @AfterAll
  static void stopCluster() {
    if (client != null) {
      client.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @AfterEach
  void closeRawConnections() throws IOException {
    for (RawConnection c : raw) {
      c.close();
    }
    raw.clear();
  }

  @Test
  void pipelinedLargePuts_clientNeverReads_leaderStaysUpAndServes() throws Exception {
    leader = cluster.awaitLeader(Duration.ofSeconds(30));
    RawConnection flood = open(leader);
    byte[] value = new byte[1 << 20];
    Thread sender = sendInBackground(() -> {
      for (int i = 0; i < 361; i++) {
        flood.send(put("flood", "big/" + i, value));
      }
    });
    ClientProbe probe = ClientProbe.run(client, "pipelined 1 MiB puts", 40);
    sender.join(30_000);
    assertLeaderAliveAndServing("pipelined 1 MiB puts");
    probe.assertAllSucceeded();
  }

  @Test
  void pipelinedLargeGets_clientNeverReads_leaderStaysUpAndServes() throws Exception {
    client.put("flood", "eight-mib", new byte[8 << 20]);
    leader = cluster.awaitLeader(Duration.ofSeconds(30));
    RawConnection flood = open(leader);
    Thread sender = sendInBackground(() -> {
      for (int i = 0; i < 200; i++) {
        flood.send(Request.newBuilder().setRequestId(IDS.incrementAndGet())
            .setGet(GetRequest.newBuilder().setUser("flood").setKey(ByteString.copyFromUtf8("eight-mib"))).build());
      }
    });
    ClientProbe probe = ClientProbe.run(client, "pipelined 8 MiB gets", 40);
    sender.join(30_000);
    assertLeaderAliveAndServing("pipelined 8 MiB gets");
    probe.assertAllSucceeded();
  }

  @Test
  void halfSentLargeFrames_manyConnections_leaderStaysUpAndServes() throws Exception {
    leader = cluster.awaitLeader(Duration.ofSeconds(30));
    byte[] half = new byte[8 << 20];
    for (int i = 0; i < 25; i++) {
      RawConnection c = open(leader);
      Thread sender = sendInBackground(() -> {
        c.sendRaw(ByteBuffer.allocate(4).putInt(16 << 20).array());
        c.sendRaw(half); // and never the rest
      });
      sender.join(100);
    }
    ClientProbe probe = ClientProbe.run(client, "25 half-sent 16 MiB frames", 40);
    assertLeaderAliveAndServing("25 half-sent 16 MiB frames");
    probe.assertAllSucceeded();
  }

  @Test
  void connectionsBeyondTheCap_refusedOverloaded_storageUnharmed() throws Exception {
    leader = cluster.awaitLeader(Duration.ofSeconds(30));
    List<RawConnection> opened = new ArrayList<>();
    for (int i = 0; i < MAX_CONNECTIONS + 20; i++) {
      opened.add(open(leader));
    }
    Thread.sleep(1_000); // refusals are on their way
    int accepted = 0;
    int refused = 0;
    for (RawConnection c : opened) {
      Optional<Response> reply = c.readWithin(Duration.ofMillis(refused == 0 ? 20 : 1_000));
      if (reply.isEmpty()) {
        accepted++;
        continue;
      }
      assertEquals(Status.OVERLOADED, reply.get().getStatus(), "a connection beyond the cap is refused");
      assertTrue(reply.get().getErrorMessage().contains("connections"), reply.get().getErrorMessage());
      assertTrue(c.closedByPeer(), "and closed");
      refused++;
    }
    assertTrue(refused >= 20 && accepted <= MAX_CONNECTIONS, "accepted " + accepted + ", refused " + refused);
    ClientProbe probe = ClientProbe.run(client, "connections at the cap", 20);
    probe.assertAllSucceeded();
    assertLeaderAliveAndServing("connections at the cap");
  }

  @Test
  void idleAndTricklingConnections_closedByTheNode() throws Exception {
    leader = cluster.awaitLeader(Duration.ofSeconds(30));
    List<RawConnection> idle = new ArrayList<>();
    List<RawConnection> trickling = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      idle.add(open(leader));
      RawConnection slow = open(leader);
      slow.sendRaw(ByteBuffer.allocate(5).putInt(4096).put((byte) 0x08).array());
      trickling.add(slow);
    }
    long deadline = System.nanoTime() + IDLE_TIMEOUT.plus(FRAME_TIMEOUT).multipliedBy(3).toNanos();
    for (RawConnection slow : trickling) {
      boolean closed = false;
      while (!closed && System.nanoTime() < deadline) {
        slow.sendRaw(new byte[] {0x01}); // a byte now and then, never the whole frame
        closed = slow.isClosedWithin(Duration.ofMillis(200));
      }
      assertTrue(closed, "a trickling connection is closed once its frame is late");
    }
    for (RawConnection c : idle) {
      assertTrue(c.isClosedWithin(Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))),
          "an idle connection is closed");
    }
    assertLeaderAliveAndServing("idle and trickling connections");
  }

  @Test
  void pipelinedScrubs_neverDelayReads() throws Exception {
    byte[] value = new byte[16 << 10];
    for (int i = 0; i < 1500; i++) {
      client.putAsync("scrubbed", "k" + i, value);
    }
    client.put("scrubbed", "last", value);
    leader = cluster.awaitLeader(Duration.ofSeconds(30));
    RawConnection scrubber = open(leader);
    for (int i = 0; i < 300; i++) {
      scrubber.send(Request.newBuilder().setRequestId(IDS.incrementAndGet())
          .setScrub(ScrubRequest.getDefaultInstance()).build());
    }
    ClientProbe probe = ClientProbe.run(client, "300 pipelined scrubs", 40);
    probe.assertAllSucceeded();
    int overloaded = 0;
    for (int i = 0; i < 300; i++) {
      Status status = scrubber.read().getStatus();
      assertTrue(status == Status.OK || status == Status.OVERLOADED, "scrub answered " + status);
      overloaded += status == Status.OVERLOADED ? 1 : 0;
    }
    assertTrue(overloaded > 250, "queued scrubs are bounded; refused " + overloaded + " of 300");
    assertLeaderAliveAndServing("300 pipelined scrubs");
  }

  private RawConnection open(String id) throws IOException {
    RawConnection c = new RawConnection(cluster.clientAddress(id));
    raw.add(c);
    return c;
  }

  private void assertLeaderAliveAndServing(String attack) throws Exception {
    assertTrue(cluster.isRunning(leader), leader + " is still running after " + attack + ":\n" + cluster.tail(leader));
    List<String> failedAllocations = Files.readAllLines(cluster.logFile(leader)).stream()
        .filter(line -> line.contains("OutOfMemoryError") || line.contains("OutOfDirectMemoryError")).toList();
    assertEquals(List.of(), failedAllocations, "no allocation failed on " + leader);
    System.out.printf("%s: leader %s resident %d MiB%n", attack, leader, cluster.residentBytes(leader) >> 20);
    client.put("after", attack.replace(' ', '-'), new byte[] {1});
  }

  /** Sends from a daemon thread; a send that blocks (the node stopped reading) just stays blocked. */
  private static Thread sendInBackground(IoAction action) {
    Thread t = new Thread(() -> {
      try {
        action.run();
      } catch (IOException e) {
        // the node closed the connection: fine, what matters is that it stays up
      }
    }, "flood-sender");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private interface IoAction {
    void run() throws IOException;
  }

  private static Request put(String user, String key, byte[] value) {
    ByteString v = ByteString.copyFrom(value);
    return Request.newBuilder().setRequestId(IDS.incrementAndGet()).setPut(PutRequest.newBuilder()
        .setUser(user).setKey(ByteString.copyFromUtf8(key)).setValue(v).setCrc32C(Validation.crc32c(v))
        .setWriteId(WriteId.newBuilder().setClientId("flood").setSequence(IDS.get()))).build();
  }
}
