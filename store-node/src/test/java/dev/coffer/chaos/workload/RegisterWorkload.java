package dev.coffer.chaos.workload;

import dev.coffer.check.HistoryRecorder;
import dev.coffer.check.Operation;
import dev.coffer.check.RegisterOp;
import dev.coffer.check.RegisterResult;
import dev.coffer.client.Blob;
import dev.coffer.client.CofferClient;
import dev.coffer.client.CofferException;
import dev.coffer.client.DeleteOptions;
import dev.coffer.client.NotFoundException;
import dev.coffer.client.ObjectInfo;
import dev.coffer.client.PutOptions;
import dev.coffer.client.VersionConflictException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Clients doing put / get / delete / put-if-version on a few keys, so that operations contend,
 * each recorded with its invocation and completion and its outcome. Every value written is
 * unique. Bounded in operations and time; {@link #stop} ends it early.
 */
public final class RegisterWorkload implements AutoCloseable {
  static final String USER = "register";

  private final HistoryRecorder<RegisterOp, RegisterResult> history =
      new HistoryRecorder<>(RegisterResult.unknown());
  private final Outcomes outcomes = new Outcomes();
  private final List<Thread> threads = new ArrayList<>();
  private final List<CofferClient> clients = new ArrayList<>();
  private final int keys;
  private final long deadline;
  private final int maxOpsPerClient;
  private volatile boolean stopped;

  /** {@code newClient} gives each worker its own client (its own client id and connections). */
  public RegisterWorkload(Supplier<CofferClient> newClient, int workers, int keys, long seed, int maxOpsPerClient,
      Duration maxDuration) {
    this.keys = keys;
    this.maxOpsPerClient = maxOpsPerClient;
    this.deadline = System.nanoTime() + maxDuration.toNanos();
    for (int w = 0; w < workers; w++) {
      CofferClient client = newClient.get();
      clients.add(client);
      int worker = w;
      Random random = new Random(seed * 1_000 + w);
      Thread t = new Thread(() -> run(worker, client, random), "register-" + w);
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
  }

  private void run(int worker, CofferClient client, Random random) {
    long[] lastSeenVersion = new long[keys];
    for (int n = 0; n < maxOpsPerClient && !stopped && System.nanoTime() < deadline; n++) {
      int k = random.nextInt(keys);
      String key = "k" + k;
      String value = "w" + worker + "-" + n;
      int dice = random.nextInt(10);
      if (dice < 4) {
        put(worker, client, key, value, lastSeenVersion, k);
      } else if (dice < 8) {
        get(worker, client, key, lastSeenVersion, k);
      } else if (dice < 9) {
        delete(worker, client, key);
      } else {
        putIfVersion(worker, client, key, value, lastSeenVersion[k]);
      }
    }
  }

  private void put(int worker, CofferClient client, String key, String value, long[] seen, int k) {
    HistoryRecorder.Call<RegisterOp, RegisterResult> call = history.invoke(worker, RegisterOp.put(key, value));
    try {
      ObjectInfo info = client.put(USER, key, bytes(value));
      seen[k] = info.version();
      outcomes.ok.incrementAndGet();
      call.ok(RegisterResult.ok(info.version()));
    } catch (CofferException e) {
      outcomes.writeFailed(call, e);
    }
  }

  private void putIfVersion(int worker, CofferClient client, String key, String value, long expected) {
    long version = Math.max(expected, 1);
    HistoryRecorder.Call<RegisterOp, RegisterResult> call =
        history.invoke(worker, RegisterOp.putIfVersion(key, version, value));
    try {
      ObjectInfo info = client.put(USER, key, bytes(value), PutOptions.ifVersion(version));
      outcomes.ok.incrementAndGet();
      call.ok(RegisterResult.ok(info.version()));
    } catch (VersionConflictException e) {
      outcomes.ok.incrementAndGet();
      call.ok(RegisterResult.conflict());
    } catch (CofferException e) {
      outcomes.writeFailed(call, e);
    }
  }

  private void get(int worker, CofferClient client, String key, long[] seen, int k) {
    HistoryRecorder.Call<RegisterOp, RegisterResult> call = history.invoke(worker, RegisterOp.get(key));
    try {
      Blob blob = client.get(USER, key);
      seen[k] = blob.info().version();
      outcomes.ok.incrementAndGet();
      call.ok(RegisterResult.value(new String(blob.value(), StandardCharsets.UTF_8), blob.info().version()));
    } catch (NotFoundException e) {
      outcomes.ok.incrementAndGet();
      call.ok(RegisterResult.notFound());
    } catch (CofferException e) {
      outcomes.readFailed(call, e);
    }
  }

  private void delete(int worker, CofferClient client, String key) {
    HistoryRecorder.Call<RegisterOp, RegisterResult> call = history.invoke(worker, RegisterOp.delete(key));
    try {
      boolean existed = client.delete(USER, key, DeleteOptions.none());
      outcomes.ok.incrementAndGet();
      call.ok(RegisterResult.deleted(existed));
    } catch (CofferException e) {
      outcomes.writeFailed(call, e);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  public List<Operation<RegisterOp, RegisterResult>> history() {
    return history.history();
  }

  public int unknownOutcomes() {
    return outcomes.unknown.get();
  }

  /** Failures other than 'unavailable' (e.g. INTERNAL): each one is a bug in the store. */
  public int unexpectedErrors() {
    return outcomes.unexpected.get();
  }

  public String firstUnexpected() {
    return outcomes.firstUnexpected;
  }

  public void stop() throws InterruptedException {
    stopped = true;
    for (Thread t : threads) {
      t.join(120_000);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
    clients.forEach(CofferClient::close);
  }
}
