package dev.coffer.chaos.run;

import dev.coffer.chaos.net.FaultEvent;
import dev.coffer.chaos.net.FaultKind;
import dev.coffer.chaos.net.Nemesis;
import dev.coffer.chaos.net.NetnsHosts;
import dev.coffer.node.storage.Directories;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The long fault-injection run behind scripts/chaos.sh: back-to-back runs (each a fresh cluster,
 * all faults, its own seed) until the time is up; prints each run's summary and a total.
 * Exit status 0 only if every run was linearizable, lost nothing and ended with identical replicas.
 */
public final class ChaosMain {
  private ChaosMain() {}

  public static void main(String[] args) throws Exception {
    Duration total = Duration.ofMinutes(Long.parseLong(arg(args, "--minutes", "20")));
    long seed = Long.parseLong(arg(args, "--seed", Long.toString(System.currentTimeMillis() % 1_000_000)));
    Duration perRun = Duration.ofSeconds(Long.parseLong(arg(args, "--run-seconds", "180")));
    Path work = Path.of(arg(args, "--dir", "data/chaos")).toAbsolutePath();
    int nodes = Integer.parseInt(arg(args, "--nodes", "3"));
    List<FaultKind> kinds;
    try {
      kinds = faultKinds(arg(args, "--faults", ""));
    } catch (IllegalArgumentException e) {
      System.err.println("chaos: --faults takes a comma-separated list of " + FaultKind.all() + ": " + e.getMessage());
      System.exit(2);
      return;
    }
    if (nodes < 3) {
      System.err.println("chaos: --nodes must be at least 3");
      System.exit(2);
    }
    Optional<String> unavailable = NetnsHosts.unavailableReason();
    if (unavailable.isPresent()) {
      System.err.println("chaos: cannot build namespace hosts here: " + unavailable.get());
      System.exit(2);
    }
    Files.createDirectories(work);
    System.out.printf("chaos: %d minutes, %d nodes, runs of %d s, first seed %d, faults %s, work dir %s%n",
        total.toMinutes(), nodes, perRun.toSeconds(), seed, kinds.equals(FaultKind.all()) ? "all" : kinds, work);

    long deadline = System.nanoTime() + total.toNanos();
    List<RunReport> reports = new ArrayList<>();
    List<Long> broken = new ArrayList<>();
    for (int run = 0; System.nanoTime() < deadline; run++) {
      long remaining = Duration.ofNanos(deadline - System.nanoTime()).toSeconds();
      Duration length = Duration.ofSeconds(Math.max(30, Math.min(perRun.toSeconds(), remaining)));
      long runSeed = seed + run;
      Path runDir = work.resolve("run-" + runSeed);
      RunReport report;
      try {
        report = FaultRun.run(runDir.resolve("cluster"), RunSettings.someFaults(runSeed, nodes, length, kinds),
            work.resolve("failures"));
      } catch (Exception | AssertionError e) {
        // The cluster did not recover (no leader, a node that never came back, ...): a failed run, kept.
        broken.add(runSeed);
        System.out.println("run " + (run + 1) + ", seed " + runSeed + ": FAILED, the cluster did not recover: " + e
            + "\n  node logs kept under " + runDir);
        continue;
      }
      reports.add(report);
      System.out.println("run " + (run + 1) + ", " + report.summary());
      if (report.ok()) {
        Directories.deleteTree(runDir);
      }
    }
    System.out.println(total(reports) + (broken.isEmpty() ? "" : "; runs that did not recover: seeds " + broken));
    System.exit(broken.isEmpty() && reports.stream().allMatch(RunReport::ok) ? 0 : 1);
  }

  static String total(List<RunReport> reports) {
    Map<FaultKind, Integer> faults = new EnumMap<>(FaultKind.class);
    List<Long> elections = new ArrayList<>();
    List<Long> afterKill = new ArrayList<>();
    List<Long> writeAfterKill = new ArrayList<>();
    List<Long> caughtUp = new ArrayList<>();
    int notCaughtUp = 0;
    int ops = 0;
    int lost = 0;
    int failedButCommitted = 0;
    int illegal = 0;
    int unknown = 0;
    int unknownOutcomes = 0;
    for (RunReport r : reports) {
      r.faultsByKind().forEach((k, n) -> faults.merge(k, n, Integer::sum));
      r.faults().events().stream().map(FaultEvent::newLeaderAfter).flatMap(Optional::stream)
          .forEach(d -> elections.add(d.toMillis()));
      r.faults().events().stream()
          .filter(e -> e.kind() == FaultKind.KILL_LEADER || e.kind() == FaultKind.KILL_RANDOM)
          .map(FaultEvent::newLeaderAfter).flatMap(Optional::stream)
          .forEach(d -> afterKill.add(d.toMillis()));
      r.faults().events().stream()
          .filter(e -> e.kind() == FaultKind.KILL_LEADER || e.kind() == FaultKind.KILL_RANDOM)
          .map(FaultEvent::writeAfter).flatMap(Optional::stream)
          .forEach(d -> writeAfterKill.add(d.toMillis()));
      for (FaultEvent e : r.faults().events()) {
        if (e.kind().name().startsWith("PARTITION_")) {
          if (e.caughtUpAfter().isPresent()) {
            caughtUp.add(e.caughtUpAfter().get().toMillis());
          } else {
            notCaughtUp++;
          }
        }
      }
      ops += r.registerOps() + r.setOps();
      lost += r.lost().size();
      failedButCommitted += r.failedButCommitted().size();
      unknownOutcomes += r.unknownOutcomes();
      for (var check : List.of(r.register(), r.set())) {
        switch (check.verdict()) {
          case ILLEGAL -> illegal++;
          case UNKNOWN -> unknown++;
          default -> { }
        }
      }
    }
    Collections.sort(elections);
    Collections.sort(afterKill);
    Collections.sort(writeAfterKill);
    Collections.sort(caughtUp);
    return "total: runs " + reports.size() + ", histories checked " + 2 * reports.size()
        + ", ILLEGAL " + illegal + ", UNKNOWN " + unknown + ", operations " + ops
        + " (outcome unknown " + unknownOutcomes + "), acknowledged writes lost " + lost
        + ", reported failed but committed " + failedButCommitted + ", faults " + faults
        + ", new leader after a leader was taken away: p50 " + percentile(elections, 50) + " ms, p99 "
        + percentile(elections, 99) + " ms (" + elections.size() + " elections), of which after kill -9 of the "
        + "leader: p50 " + percentile(afterKill, 50) + " ms, p99 " + percentile(afterKill, 99) + " ms ("
        + afterKill.size() + "); a write sent at kill -9 of the leader acknowledged after: p50 "
        + percentile(writeAfterKill, 50) + " ms, p99 " + percentile(writeAfterKill, 99) + " ms, max "
        + percentile(writeAfterKill, 100) + " ms (" + writeAfterKill.size() + "); every node caught up after a "
        + "healed partition: p50 " + percentile(caughtUp, 50) + " ms, p99 " + percentile(caughtUp, 99) + " ms, max "
        + percentile(caughtUp, 100) + " ms (" + caughtUp.size() + (notCaughtUp > 0 ? ", " + notCaughtUp
        + " not within " + Nemesis.CATCH_UP_TIMEOUT.toSeconds() + " s" : "") + ")";
  }

  private static String percentile(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return "-";
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return Long.toString(sorted.get(Math.max(0, Math.min(index, sorted.size() - 1))));
  }

  /** The kinds named in {@code list} (comma-separated), or every kind when it is empty. */
  static List<FaultKind> faultKinds(String list) {
    if (list.isBlank()) {
      return FaultKind.all();
    }
    List<FaultKind> kinds = new ArrayList<>();
    for (String name : list.split(",")) {
      kinds.add(FaultKind.valueOf(name.trim().toUpperCase(java.util.Locale.ROOT)));
    }
    return kinds;
  }

  private static String arg(String[] args, String name, String fallback) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }
}
