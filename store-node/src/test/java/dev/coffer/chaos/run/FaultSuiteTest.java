package dev.coffer.chaos.run;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.coffer.chaos.net.NetnsHosts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short fault suite of the normal test run: every supported fault, a fixed seed, concurrent
 * register and set clients, both histories checked. scripts/chaos.sh runs the long version.
 */
class FaultSuiteTest {
  @TempDir
  Path dir;

  @BeforeEach
  void needsNamespaces() {
    Optional<String> reason = NetnsHosts.unavailableReason();
    assumeTrue(reason.isEmpty(), () -> "network namespaces unavailable: " + reason.orElse(""));
  }

  @Test
  void allFaults_fixedSeed_linearizableNothingLostReplicasIdentical() throws Exception {
    RunReport report = FaultRun.run(dir.resolve("cluster"), RunSettings.allFaults(20261125L, 3, Duration.ofSeconds(60)),
        dir.resolve("failures"));
    System.out.println("fault suite: " + report.summary());
    assertTrue(report.ok(), report.summary());
    assertTrue(report.faults().events().size() >= 5, "faults were injected: " + report.faults().events());
    assertTrue(report.acknowledgedAdds() > 100, "the clients made progress: " + report.summary());
  }
}
