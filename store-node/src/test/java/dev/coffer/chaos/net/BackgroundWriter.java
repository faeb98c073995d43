package dev.coffer.chaos.net;

import dev.coffer.client.CofferClient;
import dev.coffer.client.UnavailableException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A client thread writing a fresh key each time while faults come and go. It remembers every
 * acknowledged write; "unavailable" failures are expected during faults and only counted, any other
 * error is kept for the test to fail on.
 */
final class BackgroundWriter implements AutoCloseable {
  static final String USER = "chaos";

  private final CofferClient client;
  private final Thread thread;
  private final Map<String, byte[]> acknowledged = new ConcurrentHashMap<>();
  private final AtomicInteger unavailable = new AtomicInteger();
  private final AtomicReference<Throwable> unexpected = new AtomicReference<>();
  private volatile boolean stopping;

  BackgroundWriter(CofferClient client) {
    this.client = client;
    this.thread = new Thread(this::run, "chaos-writer");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    for (int i = 0; !stopping; i++) {
      String key = "w" + i;
      byte[] value = ("value of " + key + " ").repeat(1 + i % 50).getBytes(StandardCharsets.UTF_8);
      try {
        client.put(USER, key, value);
        acknowledged.put(key, value);
      } catch (UnavailableException e) {
        unavailable.incrementAndGet();
      } catch (RuntimeException e) {
        unexpected.compareAndSet(null, e);
      }
    }
  }

  Map<String, byte[]> acknowledged() {
    return Map.copyOf(acknowledged);
  }

  int acknowledgedCount() {
    return acknowledged.size();
  }

  int unavailableCount() {
    return unavailable.get();
  }

  /** The first error other than "unavailable", or null. */
  Throwable unexpectedError() {
    return unexpected.get();
  }

  /** Stops after the write in flight and waits for the thread. */
  @Override
  public void close() throws InterruptedException {
    stopping = true;
    thread.join(120_000);
    if (thread.isAlive()) {
      throw new AssertionError("the writer did not stop within 2 minutes");
    }
  }
}
