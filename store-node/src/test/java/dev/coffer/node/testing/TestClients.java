package dev.coffer.node.testing;

import dev.coffer.client.CofferClient;
import dev.coffer.client.RetryPolicy;
import java.time.Duration;

/** Clients as the cluster and fault tests use them. */
public final class TestClients {
  private TestClients() {}

  /**
   * A client that retries quickly and often (up to 100 attempts, 50-500 ms apart) within
   * {@code operationTimeout}, so that a write under faults waits out an election instead of failing.
   */
  public static CofferClient retrying(String endpoints, Duration requestTimeout, Duration operationTimeout) {
    return CofferClient.builder().endpoints(endpoints)
        .requestTimeout(requestTimeout).operationTimeout(operationTimeout)
        .retryPolicy(RetryPolicy.exponentialBackoff(100, Duration.ofMillis(50), Duration.ofMillis(500)))
        .build();
  }

  /** Puts 20 objects of alice named after {@code phase}, and records them in {@code written}. */
  public static void putPhase(CofferClient client, java.util.Map<String, byte[]> written, String phase) {
    for (int i = 0; i < 20; i++) {
      String key = phase.replace(' ', '-') + "-" + i;
      byte[] value = (phase + " " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      client.put("alice", key, value);
      written.put(key, value);
    }
  }
}
