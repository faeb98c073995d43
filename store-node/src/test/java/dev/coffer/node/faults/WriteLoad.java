package dev.coffer.node.faults;

import dev.coffer.client.CofferClient;
import dev.coffer.client.CofferException;
import dev.coffer.client.UnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writers that keep putting unique keys while faults happen, and remember exactly which writes
 * were acknowledged (with their bytes). Bounded in count and time; stops by itself.
 */
final class WriteLoad implements AutoCloseable {
  private final CofferClient client;
  private final Map<String, byte[]> acknowledged = new ConcurrentHashMap<>();
  private final Map<String, Long> versions = new ConcurrentHashMap<>();
  private final AtomicInteger unknownOutcome = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicReference<Throwable> unexpected = new AtomicReference<>();
  private final List<Thread> writers = new ArrayList<>();
  private final long deadlineNanos;
  private final int maxWritesPerWriter;
  private volatile boolean stopped;

  WriteLoad(CofferClient client, int writerCount, int maxWritesPerWriter, Duration maxDuration) {
    this.client = client;
    this.maxWritesPerWriter = maxWritesPerWriter;
    this.deadlineNanos = System.nanoTime() + maxDuration.toNanos();
    for (int w = 0; w < writerCount; w++) {
      int writer = w;
      Thread t = new Thread(() -> run(writer), "writer-" + w);
      t.setDaemon(true);
      writers.add(t);
    }
    writers.forEach(Thread::start);
  }

  private void run(int writer) {
    Random random = new Random(1000 + writer);
    String user = "user" + writer + "@example.com";
    for (int i = 0; i < maxWritesPerWriter && !stopped && System.nanoTime() < deadlineNanos; i++) {
      String key = "photos/" + i;
      byte[] value = new byte[random.nextInt(4) == 0 ? 32 * 1024 + random.nextInt(32 * 1024) : random.nextInt(512)];
      random.nextBytes(value);
      try {
        long version = client.put(user, key, value).version();
        acknowledged.put(user + "|" + key, value);
        versions.put(user + "|" + key, version);
      } catch (UnavailableException e) {
        if (e.outcomeUnknown()) {
          unknownOutcome.incrementAndGet();
        } else {
          failed.incrementAndGet();
        }
      } catch (CofferException e) {
        unexpected.compareAndSet(null, e);
        return;
      }
    }
  }

  int acknowledgedCount() {
    return acknowledged.size();
  }

  Map<String, byte[]> acknowledged() {
    return acknowledged;
  }

  /** The version (log index) each acknowledged write was given, by the same "user|key". */
  Map<String, Long> versions() {
    return versions;
  }

  int unknownOutcomes() {
    return unknownOutcome.get();
  }

  int failures() {
    return failed.get();
  }

  /** A write rejected for a reason other than unavailability is a bug. */
  Throwable unexpectedError() {
    return unexpected.get();
  }

  @Override
  public void close() throws InterruptedException {
    stopped = true;
    for (Thread t : writers) {
      t.join(60_000);
    }
  }
}
