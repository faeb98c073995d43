package dev.coffer.chaos.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Needs root: real namespaces, a bridge and blackhole routes. */
class NetnsHostsTest {
  private static final int PORT = 7000;
  private final List<Process> started = new ArrayList<>();
  private NetnsHosts hosts;

  @BeforeEach
  void requireNamespaces() {
    Optional<String> reason = NetnsHosts.unavailableReason();
    Assumptions.assumeTrue(reason.isEmpty(), () -> reason.orElse(""));
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    for (Process p : started) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    if (hosts != null) {
      hosts.close();
    }
  }

  @Test
  void cut_blocksThePairBothWays_othersAndRootUnaffected_healRestores() throws Exception {
    hosts = NetnsHosts.create(List.of("a", "b", "c"));
    for (String host : hosts.hosts()) {
      startEcho(host);
    }
    assertTrue(probe("a", "b"), "connected before any fault");

    hosts.cut("a", "b");
    assertFalse(probe("a", "b"), "a -> b cut");
    assertFalse(probe("b", "a"), "b -> a cut");
    assertTrue(probe("a", "c"), "a -> c untouched");
    assertTrue(probe("c", "b"), "c -> b untouched");
    assertTrue(fromRoot("a") && fromRoot("b"), "the root namespace (clients) still reaches both");

    hosts.heal("a", "b");
    assertTrue(probe("a", "b"), "a -> b after heal");
    assertTrue(probe("b", "a"), "b -> a after heal");
    assertEquals(0, hosts.cuts().size());
  }

  @Test
  void isolate_thenHealAll_restoresEveryPair() throws Exception {
    hosts = NetnsHosts.create(List.of("a", "b", "c"));
    startEcho("b");
    startEcho("c");
    hosts.isolate("a");
    assertEquals(2, hosts.cuts().size());
    assertFalse(probe("a", "b"));
    assertFalse(probe("a", "c"));
    assertTrue(probe("c", "b"), "the rest still talk");
    hosts.healAll();
    assertTrue(probe("a", "c"));
  }

  @Test
  void close_removesEveryNamespaceAndLink_andIsIdempotent() {
    hosts = NetnsHosts.create(List.of("a", "b"));
    List<String> namespaces = List.of(hosts.namespace("a"), hosts.namespace("b"));
    assertTrue(IpCommands.namespaces().containsAll(namespaces));
    assertTrue(IpCommands.links().contains(hosts.bridgeName()));
    hosts.cut("a", "b");

    hosts.close();
    hosts.close();

    String netnsList = Shell.run(IpCommands.ip(), "netns", "list");
    String links = Shell.run(IpCommands.ip(), "link");
    for (String ns : namespaces) {
      assertFalse(netnsList.contains(ns), ns + " still listed:\n" + netnsList);
    }
    String runPrefix = hosts.bridgeName().substring(0, hosts.bridgeName().length() - 2);
    assertFalse(links.contains(runPrefix), "a link of this run is left:\n" + links);
  }

  @Test
  void removeStaleRuns_deletesOrphansOfThisHarnessOnly() {
    hosts = NetnsHosts.create(List.of("a"));
    String orphanRun = RunRegistry.claimNewRun(new java.util.Random());
    RunRegistry.release(orphanRun); // as if its JVM was SIGKILLed and the claim lost
    String orphanNs = RunRegistry.PREFIX + orphanRun + "n1";
    String orphanBridge = RunRegistry.PREFIX + orphanRun + "br";
    Shell.run(IpCommands.ip(), "netns", "add", orphanNs);
    Shell.run(IpCommands.ip(), "link", "add", orphanBridge, "type", "bridge");

    RunRegistry.removeStaleRuns();

    assertFalse(IpCommands.namespaces().contains(orphanNs), "orphan namespace removed");
    assertFalse(IpCommands.links().contains(orphanBridge), "orphan bridge removed");
    assertTrue(IpCommands.namespaces().contains(hosts.namespace("a")), "the live run is left alone");
    assertTrue(IpCommands.links().contains(hosts.bridgeName()), "the live run's bridge is left alone");
  }

  /** Starts an echo listener in the host's namespace; checks that its PID is the java PID itself. */
  private void startEcho(String host) throws Exception {
    Process p = new ProcessBuilder(hosts.commandOn(host, java("listen", hosts.address(host))))
        .redirectErrorStream(true).start();
    started.add(p);
    String firstLine = CompletableFuture.supplyAsync(() -> {
      try {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }).get(60, TimeUnit.SECONDS);
    assertEquals("listening " + p.pid(), firstLine, "ip netns exec execs java: same PID");
  }

  /** Runs a probe JVM in {@code from}'s namespace against {@code to}'s echo. */
  private boolean probe(String from, String to) throws Exception {
    Process p = new ProcessBuilder(hosts.commandOn(from, java("probe", hosts.address(to))))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    started.add(p);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe " + from + " -> " + to + " finished");
    return p.exitValue() == 0;
  }

  private boolean fromRoot(String to) {
    return NamespaceEcho.echoes(new InetSocketAddress(hosts.address(to), PORT));
  }

  private static List<String> java(String mode, String address) {
    return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), NamespaceEcho.class.getName(), mode, address,
        Integer.toString(PORT));
  }
}
