package dev.coffer.chaos.net;

import dev.coffer.client.CofferClient;
import dev.coffer.client.NodeStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Injects faults into a {@link NetnsCluster} one at a time while clients run: apply, hold for the
 * fault length, heal, wait for a leader, stay healthy for the heal length. Every fault is recorded in
 * the {@link FaultLog}; when a fault takes the leader away, the time until another node reports LEADER
 * is measured by polling every node's status every ~50 ms, and the time until a put sent right after
 * the fault is acknowledged. After each heal, the time until every node has caught up is measured.
 *
 * <p>Choices (kind, target, partition shape) come from the seeded {@link Random} in a fixed order, so a
 * seed replays the same schedule up to timing. Everything is healed at the end of {@link #runFor} and in
 * {@link #close}, even after a failure.
 */
public final class Nemesis implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Nemesis.class);
  /** How long the cluster may take to have a majority-backed leader again after a heal. */
  static final Duration LEADER_TIMEOUT = Duration.ofSeconds(60);
  /** How long to watch for a new leader after the old one was taken away. */
  static final Duration NEW_LEADER_TIMEOUT = Duration.ofSeconds(30);
  /** How long to wait for every node to catch up after a heal before giving up measuring it. */
  public static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(60);
  private static final long POLL_MILLIS = 50;
  private static final String PROBE_USER = "nemesis";

  private final NetnsCluster cluster;
  private final Random random;
  private final List<FaultKind> kinds;
  private final Duration faultLength;
  private final Duration healLength;
  private final FaultInjector injector;
  private final FaultLog faults = new FaultLog();
  /** Sends the probe writes, as an application would: every endpoint, the default retry policy. */
  private final CofferClient probe;
  private int probes;

  public Nemesis(NetnsCluster cluster, Random random, List<FaultKind> kinds, Duration faultLength,
                 Duration healLength) {
    if (cluster.ids().size() < 3) {
      throw new IllegalArgumentException("a nemesis needs at least 3 nodes, the cluster has " + cluster.ids());
    }
    if (kinds.isEmpty()) {
      throw new IllegalArgumentException("no fault kinds to choose from");
    }
    if (faultLength.isNegative() || healLength.isNegative()) {
      throw new IllegalArgumentException("fault and heal lengths must not be negative");
    }
    this.cluster = cluster;
    this.random = random;
    this.kinds = List.copyOf(kinds);
    this.faultLength = faultLength;
    this.healLength = healLength;
    this.injector = new FaultInjector(cluster, random);
    this.probe = CofferClient.builder().endpoints(cluster.endpoints()).build();
  }

  public FaultLog faults() {
    return faults;
  }

  /** Injects randomly chosen faults back to back until {@code duration} has passed, then heals everything. */
  public void runFor(Duration duration) throws Exception {
    long deadline = System.nanoTime() + duration.toNanos();
    try {
      do {
        runOnce(kinds.get(random.nextInt(kinds.size())));
      } while (System.nanoTime() < deadline);
    } finally {
      healEverything();
    }
  }

  /**
   * One fault: apply it, hold it for the fault length (longer if a new leader takes longer to appear),
   * heal it, wait for a leader, then leave the cluster healthy for the heal length.
   */
  public FaultEvent runOnce(FaultKind kind) throws Exception {
    String leader = cluster.awaitLeader(LEADER_TIMEOUT);
    long appliedAt = System.nanoTime();
    Instant start = Instant.now();
    FaultInjector.ActiveFault fault = injector.inject(kind, leader);
    log.info("Fault {} on {} (leader was {})", kind, fault.target(), leader);
    Optional<Duration> newLeaderAfter = Optional.empty();
    CompletableFuture<Optional<Duration>> writeAfter = CompletableFuture.completedFuture(Optional.empty());
    String note = "";
    try {
      if (fault.leaderLost()) {
        writeAfter = probeWrite(appliedAt);
        newLeaderAfter = awaitLeaderOtherThan(leader, appliedAt);
        if (newLeaderAfter.isEmpty()) {
          note = "no node other than " + leader + " became leader within " + NEW_LEADER_TIMEOUT;
        }
      }
      sleepUntil(appliedAt + faultLength.toNanos());
    } catch (Exception | Error e) {
      try {
        fault.heal().run();
      } catch (Exception healFailure) {
        e.addSuppressed(healFailure);
      }
      throw e;
    }
    fault.heal().run();
    long healedAt = System.nanoTime();
    Optional<Duration> caughtUpAfter = awaitAllCaughtUp(healedAt);
    FaultEvent event = new FaultEvent(kind, fault.target(), start, Instant.now(), newLeaderAfter,
        writeAfter.join(), caughtUpAfter, note);
    faults.add(event);
    log.info("Healed: {}", event);
    cluster.awaitLeader(LEADER_TIMEOUT);
    sleepUntil(healedAt + healLength.toNanos());
    return event;
  }

  /** One put, sent now; completes with how long after {@code since} it was acknowledged (empty if never). */
  private CompletableFuture<Optional<Duration>> probeWrite(long since) {
    String key = "probe-" + (++probes);
    return probe.putAsync(PROBE_USER, key, key.getBytes(StandardCharsets.UTF_8))
        .handle((ok, failure) -> failure == null ? Optional.of(Duration.ofNanos(System.nanoTime() - since))
            : Optional.<Duration>empty());
  }

  /**
   * Waits until every node has applied what the leader had committed when there was first a leader
   * after the heal; returns how long after {@code healedAt} that was, or empty after {@link #CATCH_UP_TIMEOUT}.
   */
  private Optional<Duration> awaitAllCaughtUp(long healedAt) throws InterruptedException {
    long deadline = healedAt + CATCH_UP_TIMEOUT.toNanos();
    long target = -1;
    while (System.nanoTime() < deadline) {
      ClusterView view = cluster.view();
      if (target < 0) {
        target = view.stableLeader().flatMap(view::status).map(NodeStatus::commitIndex).orElse(-1L);
      }
      long reached = target;
      if (target >= 0 && cluster.ids().stream()
          .allMatch(id -> view.status(id).map(s -> s.appliedIndex() >= reached).orElse(false))) {
        return Optional.of(Duration.ofNanos(System.nanoTime() - healedAt));
      }
      Thread.sleep(POLL_MILLIS);
    }
    return Optional.empty();
  }

  private Optional<Duration> awaitLeaderOtherThan(String formerLeader, long since) throws InterruptedException {
    long deadline = since + NEW_LEADER_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (cluster.view().leaderOtherThan(formerLeader).isPresent()) {
        return Optional.of(Duration.ofNanos(System.nanoTime() - since));
      }
      Thread.sleep(POLL_MILLIS);
    }
    return Optional.empty();
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long remaining = nanoTime - System.nanoTime();
    if (remaining > 0) {
      Thread.sleep(remaining / 1_000_000, (int) (remaining % 1_000_000));
    }
  }

  /** Resumes paused nodes, heals the network, restarts stopped nodes, then waits for a leader. */
  public void healEverything() throws IOException {
    for (String id : cluster.ids()) {
      if (cluster.isPaused(id)) {
        cluster.resume(id);
      }
    }
    cluster.hosts().healAll();
    for (String id : cluster.ids()) {
      if (!cluster.isRunning(id)) {
        cluster.start(id);
      }
    }
    cluster.awaitLeader(LEADER_TIMEOUT);
  }

  /** Heals everything; the cluster itself stays up (it is closed by its owner). */
  @Override
  public void close() {
    try (probe) {
      healEverything();
      injector.close();
    } catch (IOException e) {
      throw new UncheckedIOException("could not restart a node while healing", e);
    }
  }
}
