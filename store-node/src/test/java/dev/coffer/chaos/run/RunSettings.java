package dev.coffer.chaos.run;

import dev.coffer.chaos.net.FaultKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** One fault-injection run: the cluster, the clients, the faults, for how long. */
public record RunSettings(long seed, int nodes, Duration duration, Duration faultLength, Duration healLength,
    List<FaultKind> faults, Map<String, String> nodeSettings, int registerClients, int keys, int setClients) {

  /** A run of {@code nodes} nodes mixing every fault, with the store's real configuration. */
  public static RunSettings allFaults(long seed, int nodes, Duration duration) {
    return someFaults(seed, nodes, duration, FaultKind.all());
  }

  /** The same, choosing among {@code faults} only. */
  public static RunSettings someFaults(long seed, int nodes, Duration duration, List<FaultKind> faults) {
    return new RunSettings(seed, nodes, duration, Duration.ofSeconds(4), Duration.ofSeconds(3),
        List.copyOf(faults), Map.of("snapshot.every.entries", "500"), 4, 5, 2);
  }
}
