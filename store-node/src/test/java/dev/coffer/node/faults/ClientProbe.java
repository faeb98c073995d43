package dev.coffer.node.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coffer.client.CofferClient;
import dev.coffer.client.CofferException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An ordinary client's experience while something else goes on: sequential 1 KiB puts, each
 * read back, with their latencies. Prints p50/p99/max for the record; asserts on outcomes only.
 */
final class ClientProbe {
  private final String during;
  private final long[] latencyNanos;
  private final List<String> failures;

  private ClientProbe(String during, long[] latencyNanos, List<String> failures) {
    this.during = during;
    this.latencyNanos = latencyNanos;
    this.failures = failures;
  }

  /** Runs {@code count} put-then-get pairs now, on this thread. */
  static ClientProbe run(CofferClient client, String during, int count) {
    long[] latencies = new long[count];
    List<String> failures = new ArrayList<>();
    byte[] value = new byte[1024];
    for (int i = 0; i < count; i++) {
      String key = during.replace(' ', '-') + "/" + i;
      long start = System.nanoTime();
      try {
        client.put("probe", key, value);
        client.get("probe", key);
      } catch (CofferException e) {
        failures.add(key + ": " + e.getMessage());
      }
      latencies[i] = System.nanoTime() - start;
    }
    ClientProbe probe = new ClientProbe(during, latencies, failures);
    System.out.println(probe.summary());
    return probe;
  }

  String summary() {
    long[] sorted = latencyNanos.clone();
    Arrays.sort(sorted);
    return String.format("ordinary client during %s: %d put+get, p50 %.1f ms, p99 %.1f ms, max %.1f ms, failed %d",
        during, sorted.length, millis(sorted, 0.50), millis(sorted, 0.99), sorted[sorted.length - 1] / 1e6,
        failures.size());
  }

  private static double millis(long[] sorted, double quantile) {
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)] / 1e6;
  }

  void assertAllSucceeded() {
    assertEquals(List.of(), failures, "every put and get of an ordinary client succeeds during " + during);
  }
}
