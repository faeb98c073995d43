package dev.coffer.node.raft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.coffer.client.Blob;
import dev.coffer.client.CofferClient;
import dev.coffer.node.NodeConfig;
import dev.coffer.node.testing.InProcessCluster;
import dev.coffer.node.testing.RawConnection;
import dev.coffer.node.testing.TestClients;
import dev.coffer.proto.GetRequest;
import dev.coffer.proto.Request;
import dev.coffer.proto.Response;
import dev.coffer.proto.Status;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read-index path (the default read.path) on a real 3-node cluster in this JVM: linearizable
 * reads write nothing to the Raft log, see the latest acknowledged write, share leadership rounds
 * when they arrive together, and are refused by followers.
 */
class ReadIndexClusterTest {
  @TempDir
  static Path dir;
  static InProcessCluster cluster;
  static CofferClient client;

  @BeforeAll
  static void start() throws Exception {
    cluster = InProcessCluster.start(dir, 3, Map.of());
    client = TestClients.retrying(cluster.endpoints(), Duration.ofSeconds(5), Duration.ofSeconds(20));
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static long commitIndex(String id) {
    return cluster.node(id).raft().division().getRaftLog().getLastCommittedIndex();
  }

  /** A counter from the node's /metrics page. */
  static long metric(String id, String name) throws Exception {
    HttpResponse<String> page = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://" + cluster.adminAddress(id) + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    return page.body().lines().filter(l -> l.startsWith(name + " ")).mapToLong(l -> Long.parseLong(l.split(" ")[1]))
        .findFirst().orElse(0);
  }

  @Test
  void defaultReadPath_isReadIndex() {
    cluster.ids().forEach(id -> assertEquals(NodeConfig.ReadPath.READ_INDEX, cluster.node(id).config().readPath()));
  }

  @Test
  void linearizableReads_idleCluster_writeNothingToTheLog() throws Exception {
    client.put("idle", "k", bytes("latest"));
    cluster.awaitConverged(Duration.ofSeconds(10));
    String leader = cluster.awaitLeader();
    Map<String, Long> commits = new java.util.HashMap<>();
    cluster.ids().forEach(id -> commits.put(id, commitIndex(id)));
    long roundsBefore = metric(leader, "coffer_read_index_rounds_total");

    int reads = 300;
    for (int i = 0; i < reads; i++) {
      assertArrayEquals(bytes("latest"), client.get("idle", "k").value());
      assertTrue(client.head("idle", "k").isPresent());
    }
    client.usage("idle");

    cluster.ids().forEach(id -> assertEquals(commits.get(id), commitIndex(id), "commit index of " + id));
    long rounds = metric(leader, "coffer_read_index_rounds_total") - roundsBefore;
    assertTrue(rounds >= 2L * reads, "every read confirmed by a leadership round: " + rounds);
  }

  @Test
  void linearizableRead_afterEachWrite_seesThatWrite() {
    for (int i = 0; i < 50; i++) {
      client.put("latest", "k", bytes("v" + i));
      Blob read = client.get("latest", "k");
      assertArrayEquals(bytes("v" + i), read.value(), "read after write " + i);
    }
  }

  @Test
  void concurrentReads_shareRounds() throws Exception {
    client.put("batch", "k", bytes("x"));
    String leader = cluster.awaitLeader();
    long roundsBefore = metric(leader, "coffer_read_index_rounds_total");
    int reads = 400;
    List<CompletableFuture<Blob>> gets = new ArrayList<>();
    for (int i = 0; i < reads; i++) {
      gets.add(client.getAsync("batch", "k"));
    }
    for (CompletableFuture<Blob> get : gets) {
      assertArrayEquals(bytes("x"), get.join().value());
    }
    long rounds = metric(leader, "coffer_read_index_rounds_total") - roundsBefore;
    assertTrue(rounds > 0 && rounds < reads, reads + " concurrent reads took " + rounds + " rounds");
  }

  @Test
  void linearizableRead_onAFollower_notLeaderWithTheLeadersAddress() throws Exception {
    String leader = cluster.awaitLeader();
    String follower = cluster.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    try (RawConnection c = new RawConnection(cluster.clientAddress(follower))) {
      Response r = c.call(Request.newBuilder().setRequestId(1)
          .setGet(GetRequest.newBuilder().setUser("idle").setKey(ByteString.copyFromUtf8("k"))).build());
      assertEquals(Status.NOT_LEADER, r.getStatus());
      assertEquals(cluster.clientAddress(leader), r.getLeaderAddress());
    }
  }
}
