package dev.coffer.node.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.coffer.client.CofferClient;
import dev.coffer.node.testing.InProcessCluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin port of a real node: /metrics parses as Prometheus text, /health and /status answer JSON. */
class AdminServerTest {
  private static final Pattern TYPE_LINE = Pattern.compile("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|summary|histogram|untyped)");
  private static final Pattern SAMPLE = Pattern.compile(
      "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\")(,[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\")*\\})? "
          + "(?<value>-?[0-9.eE+-]+|NaN|[+-]Inf)");

  @TempDir
  static Path dir;
  static InProcessCluster cluster;
  static String leader;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    cluster = InProcessCluster.start(dir, 3, Map.of("snapshot.every.entries", "5"));
    leader = cluster.awaitLeader();
    try (CofferClient client = CofferClient.builder().endpoints(cluster.endpoints()).build()) {
      for (int i = 0; i < 20; i++) {
        client.put("metrics", "k" + i, new byte[100]);
      }
      client.get("metrics", "k1");
    }
    // Status and health answer from figures refreshed every second: wait until every node's
    // figures are from after the election.
    for (String id : cluster.ids()) {
      dev.coffer.node.testing.Await.until(id + " reports itself healthy", java.time.Duration.ofSeconds(20),
          () -> healthStatus(id) == 200);
    }
  }

  @AfterAll
  static void stop() throws IOException {
    if (cluster != null) {
      cluster.close();
    }
  }

  static int healthStatus(String id) {
    try {
      return get(id, "/health").statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  static HttpResponse<String> get(String id, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://" + cluster.adminAddress(id) + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Checks the text exposition format line by line; returns sample name → value of unlabelled samples. */
  static Map<String, Double> parsePrometheus(String text) {
    Set<String> families = new HashSet<>();
    Map<String, Double> values = new HashMap<>();
    for (String line : text.split("\n")) {
      Matcher type = TYPE_LINE.matcher(line);
      if (type.matches()) {
        assertTrue(families.add(type.group(1)), "one TYPE line per family: " + line);
        continue;
      }
      Matcher sample = SAMPLE.matcher(line);
      if (!sample.matches()) {
        fail("not a Prometheus text line: '" + line + "'");
      }
      String name = sample.group(1);
      String family = name.replaceAll("_(sum|count)$", "");
      assertTrue(families.contains(name) || families.contains(family), "sample before its TYPE line: " + line);
      if (sample.group(2) == null) {
        values.put(name, Double.parseDouble(sample.group("value").replace("Inf", "Infinity")));
      }
    }
    return values;
  }

  @Test
  void metrics_parsesAsPrometheusText_withRaftAndRequestMetrics() throws Exception {
    HttpResponse<String> response = get(leader, "/metrics");
    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"));
    String body = response.body();
    Map<String, Double> values = parsePrometheus(body);
    assertEquals(1.0, values.get("coffer_raft_is_leader"));
    assertTrue(values.get("coffer_raft_term") >= 1);
    assertTrue(values.get("coffer_raft_applied_index") >= 20);
    assertTrue(values.get("coffer_raft_commit_index") >= values.get("coffer_raft_applied_index") - 1);
    assertTrue(values.get("coffer_disk_free_bytes") > 0);
    assertTrue(values.get("coffer_rocksdb_size_bytes") >= 0);
    assertTrue(values.get("coffer_snapshots_total") >= 1, "snapshots every 5 entries");
    assertTrue(values.get("coffer_request_bytes_total") > 2000, "20 puts of 100 bytes came in");
    assertTrue(values.get("coffer_raft_leader_changes_total") >= 1);
    assertTrue(body.contains("coffer_requests_total{op=\"put\",status=\"OK\"} 20"), body);
    assertTrue(body.contains("coffer_request_duration_seconds{op=\"put\",quantile=\"0.99\"}"));
    assertTrue(body.contains("coffer_raft_log_fsync_seconds_count"));
    assertTrue(values.get("coffer_raft_log_fsync_seconds_count") > 0, "Ratis's log flush timer is exported");
  }

  @Test
  void health_leaderKnown_200withJson() throws Exception {
    for (String id : cluster.ids()) {
      HttpResponse<String> response = get(id, "/health");
      assertEquals(200, response.statusCode());
      assertTrue(response.body().contains("\"healthy\":true"), response.body());
      assertTrue(response.body().contains("\"leader\":\"" + leader + "\""), response.body());
    }
  }

  @Test
  void status_describesNode() throws Exception {
    HttpResponse<String> response = get(leader, "/status");
    assertEquals(200, response.statusCode());
    String body = response.body();
    assertTrue(body.startsWith("{\"id\":\"" + leader + "\""), body);
    assertTrue(body.contains("\"role\":\"LEADER\""), body);
    assertTrue(body.contains("\"version\":\"0."), body);
    assertTrue(body.contains("\"peers\":[{"), body);
  }

  @Test
  void unknownPath_404() throws Exception {
    assertEquals(404, get(leader, "/nope").statusCode());
  }

  @Test
  void malformedRequest_400() throws Exception {
    String address = cluster.adminAddress(leader);
    int colon = address.lastIndexOf(':');
    try (java.net.Socket socket = new java.net.Socket(address.substring(0, colon),
        Integer.parseInt(address.substring(colon + 1)))) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: oops\r\n\r\n"
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String statusLine = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
          java.nio.charset.StandardCharsets.US_ASCII)).readLine();
      assertEquals("HTTP/1.1 400 Bad Request", statusLine);
    }
  }
}
