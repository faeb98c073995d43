package dev.coffer.chaos.reads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.coffer.chaos.net.NetnsCluster;
import dev.coffer.chaos.net.NetnsHosts;
import dev.coffer.check.CheckResult;
import dev.coffer.check.HistoryRecorder;
import dev.coffer.check.LinearizabilityChecker;
import dev.coffer.check.RegisterModel;
import dev.coffer.check.RegisterOp;
import dev.coffer.check.RegisterResult;
import dev.coffer.check.Verdict;
import dev.coffer.client.Blob;
import dev.coffer.client.CofferClient;
import dev.coffer.client.CofferException;
import dev.coffer.client.RetryPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read path against a deposed leader (see the architecture notes): the leader is cut off
 * from its followers with no writes on its side, the majority elects a new leader and accepts a
 * write, and a linearizable read is sent to the old leader. With Coffer's log barrier that read
 * must never return the overwritten value; with reads served from local state and no leadership
 * check (the negative control) it does, which shows the scenario really exercises the hazard.
 * Both histories go through the linearizability checker, which must tell them apart.
 */
class DeposedLeaderReadTest {
  @TempDir
  Path dir;
  NetnsCluster cluster;

  @BeforeEach
  void needsNamespaces() {
    Optional<String> reason = NetnsHosts.unavailableReason();
    assumeTrue(reason.isEmpty(), () -> "network namespaces unavailable: " + reason.orElse(""));
  }

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private final HistoryRecorder<RegisterOp, RegisterResult> history = new HistoryRecorder<>(RegisterResult.unknown());

  /** What a linearizable read of a key on the isolated old leader returned: a value, or an error. */
  private String readFromIsolatedLeader(String readPath) throws Exception {
    cluster = NetnsCluster.start(dir, 3, Map.of("read.path", readPath));
    String leader = cluster.awaitLeader(Duration.ofSeconds(60));
    List<String> majority = cluster.ids().stream().filter(id -> !id.equals(leader)).toList();
    try (CofferClient all = client(cluster.endpoints(), 30);
         CofferClient majoritySide = client(String.join(",", majority.stream().map(cluster::clientAddress).toList()), 60);
         CofferClient oldLeaderOnly = client(cluster.clientAddress(leader), 3)) {
      put(0, all, "v1");
      read(1, oldLeaderOnly); // the old leader has applied v1 and served a read

      cluster.hosts().isolate(leader);
      put(0, majoritySide, "v2"); // returns once a new leader has committed it
      return read(1, oldLeaderOnly);
    }
  }

  private void put(int client, CofferClient via, String value) {
    HistoryRecorder.Call<RegisterOp, RegisterResult> call = history.invoke(client, RegisterOp.put("k", value));
    call.ok(RegisterResult.ok(via.put("reader", "k", bytes(value)).version()));
  }

  private String read(int client, CofferClient via) {
    HistoryRecorder.Call<RegisterOp, RegisterResult> call = history.invoke(client, RegisterOp.get("k"));
    try {
      Blob blob = via.get("reader", "k");
      String value = new String(blob.value(), StandardCharsets.UTF_8);
      call.ok(RegisterResult.value(value, blob.info().version()));
      return value;
    } catch (CofferException e) {
      call.fail();
      return "error: " + e.status();
    }
  }

  private CheckResult check() {
    return LinearizabilityChecker.check(new RegisterModel(), history.history(), Duration.ofSeconds(10));
  }

  private static CofferClient client(String endpoints, int seconds) {
    return CofferClient.builder().endpoints(endpoints).requestTimeout(Duration.ofSeconds(2))
        .operationTimeout(Duration.ofSeconds(seconds))
        .retryPolicy(RetryPolicy.exponentialBackoff(100, Duration.ofMillis(50), Duration.ofMillis(500))).build();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void logBarrier_isolatedOldLeader_neverServesTheOverwrittenValue() throws Exception {
    String answer = readFromIsolatedLeader("log-barrier");
    assertNotEquals("v1", answer, "a stale read from a deposed leader");
    assertEquals(Verdict.OK, check().verdict(), check().toString());
  }

  @Test
  void unsafeLocalReads_isolatedOldLeader_servesTheOverwrittenValue() throws Exception {
    assertEquals("v1", readFromIsolatedLeader("unsafe-local"),
        "a replica answering from its own state while cut off is stale (negative control)");
    assertEquals(Verdict.ILLEGAL, check().verdict(), "the checker must flag the stale read");
  }
}
