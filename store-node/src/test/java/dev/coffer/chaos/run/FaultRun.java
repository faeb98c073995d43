package dev.coffer.chaos.run;

import dev.coffer.chaos.net.Nemesis;
import dev.coffer.chaos.net.NetnsCluster;
import dev.coffer.chaos.workload.RegisterWorkload;
import dev.coffer.chaos.workload.SetWorkload;
import dev.coffer.check.CheckResult;
import dev.coffer.check.HistoryFiles;
import dev.coffer.check.LinearizabilityChecker;
import dev.coffer.check.RegisterCodec;
import dev.coffer.check.RegisterModel;
import dev.coffer.check.SetCodec;
import dev.coffer.check.SetHistoryChecker;
import dev.coffer.client.CofferClient;
import dev.coffer.client.CofferException;
import dev.coffer.client.ReplicaDigest;
import dev.coffer.client.RetryPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One run: a cluster of namespace hosts, register and set workloads, the nemesis for the run's
 * duration, then everything healed, the set read back, both histories checked and the replicas'
 * digests compared. A failing run's histories are kept for replay.
 */
public final class FaultRun {
  private static final Duration CHECK_LIMIT = Duration.ofSeconds(20);

  private FaultRun() {}

  public static RunReport run(Path dir, RunSettings s, Path keepFailuresIn) throws Exception {
    try (NetnsCluster cluster = NetnsCluster.start(dir, s.nodes(), s.nodeSettings())) {
      Supplier<CofferClient> clients = () -> CofferClient.builder().endpoints(cluster.endpoints())
          .connectTimeout(Duration.ofSeconds(1)).requestTimeout(Duration.ofSeconds(2))
          .operationTimeout(Duration.ofSeconds(8))
          .retryPolicy(RetryPolicy.exponentialBackoff(100, Duration.ofMillis(20), Duration.ofMillis(400)))
          .build();
      Duration bound = s.duration().plusMinutes(5);
      try (RegisterWorkload register = new RegisterWorkload(clients, s.registerClients(), s.keys(), s.seed(),
              1_000_000, bound);
           SetWorkload set = new SetWorkload(clients, s.setClients(), 1_000_000, bound);
           Nemesis nemesis = new Nemesis(cluster, new Random(s.seed()), s.faults(), s.faultLength(), s.healLength());
           CofferClient patient = CofferClient.builder().endpoints(cluster.endpoints())
               .operationTimeout(Duration.ofSeconds(120)).build()) {
        nemesis.runFor(s.duration());
        register.stop();
        cluster.awaitLeader(Duration.ofSeconds(60));
        set.stopAndReadAll(patient);
        cluster.awaitConverged(Duration.ofSeconds(120));
        boolean agree = replicasAgree(cluster, patient);

        CheckResult registerCheck = LinearizabilityChecker.check(new RegisterModel(), register.history(), CHECK_LIMIT);
        // The set is checked directly (a cycle search over its ordering constraints): exact and fast even
        // with many adds that got no reply, where the general search would run out of time.
        CheckResult setCheck = SetHistoryChecker.check(set.history());
        RunReport report = new RunReport(s.seed(), nemesis.faults(), register.history().size(),
            set.history().size(), register.unknownOutcomes() + set.unknownOutcomes(),
            register.unexpectedErrors() + set.unexpectedErrors(), register.firstUnexpected(), registerCheck, setCheck,
            set.acknowledgedCount(), set.lost(), set.failedButCommitted(), agree, Optional.empty());
        if (!report.ok()) {
          Path kept = keepFailuresIn.resolve("seed-" + s.seed());
          Files.createDirectories(kept);
          HistoryFiles.write(kept.resolve("register.history"), register.history(), RegisterCodec.INSTANCE);
          HistoryFiles.write(kept.resolve("set.history"), set.history(), SetCodec.INSTANCE);
          return new RunReport(report.seed(), report.faults(), report.registerOps(), report.setOps(),
              report.unknownOutcomes(), report.unexpectedErrors(), report.firstUnexpected(), registerCheck, setCheck,
              report.acknowledgedAdds(), report.lost(), report.failedButCommitted(), agree, Optional.of(kept));
        }
        return report;
      }
    }
  }

  /** Every replica's digest at one log index (see coffer verify) is the same. */
  private static boolean replicasAgree(NetnsCluster cluster, CofferClient client) {
    long index = client.markDigest();
    Set<String> digests = new HashSet<>();
    for (String id : cluster.ids()) {
      try {
        ReplicaDigest d = client.digest(cluster.clientAddress(id), index, Duration.ofSeconds(60));
        digests.add(d.hex());
      } catch (CofferException e) {
        return false;
      }
    }
    return digests.size() == 1;
  }
}
