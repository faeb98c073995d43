package dev.coffer.node.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.client.CofferClient;
import dev.coffer.client.NodeStatus;
import dev.coffer.node.testing.Await;
import dev.coffer.node.testing.InProcessCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health that tells the truth, on real nodes: a node whose Raft server stopped while its process
 * stays up (what an OutOfMemoryError in Ratis's apply thread leaves behind) answers 503 on
 * {@code /health} and reports why in its status; the others stay healthy.
 */
class HealthReportingTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir
  Path dir;
  InProcessCluster cluster;

  @AfterEach
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private HttpResponse<String> get(String id, String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + cluster.adminAddress(id) + path))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void raftServerStopped_healthSays503AndWhy_statusToo() throws Exception {
    cluster = InProcessCluster.start(dir, 3, Map.of());
    String leader = cluster.awaitLeader();
    try (CofferClient client = CofferClient.builder().endpoints(cluster.endpoints())
        .requestTimeout(Duration.ofSeconds(5)).build()) {
      client.put("alice", "k", new byte[10]);
      for (String id : cluster.ids()) {
        Await.until(id + " healthy", Duration.ofSeconds(20), () -> get(id, "/health").statusCode() == 200);
        String body = get(id, "/health").body();
        assertTrue(body.contains("\"healthy\":true,\"healthProblems\":[],\"raftState\":\"RUNNING\""), body);
      }

      String follower = cluster.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
      cluster.node(follower).raft().division().close();

      // Health turns 503 as soon as the server leaves RUNNING (CLOSING first): wait for the close to finish.
      Await.until(follower + " unhealthy, its Raft server closed", Duration.ofSeconds(20), () -> {
        HttpResponse<String> health = get(follower, "/health");
        return health.statusCode() == 503 && health.body().contains("\"raftState\":\"CLOSED\"");
      });
      String body = get(follower, "/health").body();
      assertTrue(body.contains("\"healthy\":false"), body);
      assertTrue(body.contains("Raft server is CLOSED, not RUNNING"), body);
      assertEquals(200, get(follower, "/status").statusCode(), "/status always answers");

      NodeStatus status = client.status(cluster.clientAddress(follower));
      assertEquals("CLOSED", status.raftState());
      assertTrue(status.healthProblems().contains("Raft server is CLOSED, not RUNNING: restart the node"),
          status.healthProblems().toString());
      assertTrue(status.statusAgeMillis() < 5_000, "figures refreshed every second: " + status.statusAgeMillis());

      assertEquals(200, get(leader, "/health").statusCode(), "a majority still serves: the leader is healthy");
    }
  }
}
