package dev.coffer.chaos.reads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
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
import dev.coffer.client.NodeStatus;
import dev.coffer.client.RetryPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read path against a deposed leader (see the architecture notes): the leader, slow to notice
 * that it lost its followers, is cut off from them with no writes on its side, the majority elects a new leader and accepts a
 * write, and a linearizable read is sent to the old leader. With Coffer's read index (the
 * default: a leadership round of term checks, nothing written to the log) and with its log
 * barrier that read must never return the overwritten value; with reads served from local state
 * and no leadership check (the negative control) it does, which shows the scenario really
 * exercises the hazard. Every history goes through the linearizability checker, which must tell
 * them apart.
 */
class DeposedLeaderReadTest {
  /** The node that leads and is then cut off. */
  private static final String OLD_LEADER = "n1";
  /**
   * Ratis steps a leader down once it has not heard from a majority for its election timeout max.
   * With the same timeouts everywhere (1-2 s) the cut-off leader has usually stepped down by the
   * time the majority has elected a new leader and committed a write, and a read sent to it is
   * refused for that reason alone, whatever the read path. So the old leader gets 30 s (the
   * others keep 1-2 s), as a long pause or a slow clock would give it: the read reaches a node
   * that still believes it leads, and only the read path's own check can refuse it.
   */
  private static final String SLOW_STEP_DOWN = "election.timeout.max.ms=30000\n";

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
    String leader = OLD_LEADER;
    List<String> majority = cluster.ids().stream().filter(id -> !id.equals(leader)).toList();
    try (CofferClient all = client(cluster.endpoints(), 30);
         CofferClient majoritySide = client(String.join(",", majority.stream().map(cluster::clientAddress).toList()), 60);
         CofferClient oldLeaderOnly = client(cluster.clientAddress(leader), 3)) {
      makeSlowToStepDownLeader(leader, all);
      put(0, all, "v1");
      read(1, oldLeaderOnly); // the old leader has applied v1 and served a read

      cluster.hosts().isolate(leader);
      put(0, majoritySide, "v2"); // returns once a new leader has committed it
      String answer = read(1, oldLeaderOnly);
      NodeStatus old = cluster.status(leader).orElseThrow();
      assertEquals("LEADER", old.role(), "the read must reach a leader that has not stepped down yet, or this test "
          + "proves nothing about the read path");
      return answer;
    }
  }

  /** Restarts {@code id} with {@link #SLOW_STEP_DOWN} and hands it leadership. */
  private void makeSlowToStepDownLeader(String id, CofferClient client) throws Exception {
    client.put("reader", "settled", bytes("x")); // the first leader has committed; not part of the history
    cluster.stopGracefully(id);
    Files.writeString(cluster.dataDir(id).getParent().resolve("node.properties"), SLOW_STEP_DOWN,
        StandardOpenOption.APPEND);
    cluster.start(id);
    cluster.awaitLeader(Duration.ofSeconds(30)); // another, if id led before its restart
    cluster.awaitCaughtUp(id, Duration.ofSeconds(30)); // Ratis hands leadership only to an up-to-date follower
    long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
    String refused = "";
    while (!id.equals(cluster.awaitLeader(Duration.ofSeconds(30)))) {
      String lastRefusal = refused;
      assertTrue(System.nanoTime() < deadline, () -> id + " did not take over leadership (" + lastRefusal
          + "); its log ends:\n" + cluster.tail(id));
      try {
        client.transferLeadership(id, false, Duration.ofSeconds(10));
      } catch (CofferException e) {
        refused = e.getMessage(); // e.g. an election under way: ask again
      }
      long settle = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (System.nanoTime() < settle && !cluster.view().stableLeader().map(id::equals).orElse(false)) {
        Thread.sleep(200);
      }
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
  void readIndex_isolatedOldLeader_neverServesTheOverwrittenValue() throws Exception {
    String answer = readFromIsolatedLeader("read-index");
    assertNotEquals("v1", answer, "a stale read from a deposed leader");
    assertEquals(Verdict.OK, check().verdict(), check().toString());
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
