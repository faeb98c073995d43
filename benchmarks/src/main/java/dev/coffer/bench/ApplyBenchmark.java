package dev.coffer.bench;

import com.google.protobuf.ByteString;
import dev.coffer.node.storage.BlobStore;
import dev.coffer.node.storage.Validation;
import dev.coffer.proto.Command;
import dev.coffer.proto.LogEntry;
import dev.coffer.proto.PutRequest;
import dev.coffer.proto.Response;
import dev.coffer.proto.Status;
import dev.coffer.proto.WriteId;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The state machine's write path: {@link BlobStore#apply} of one log entry of N puts into a real
 * RocksDB (in a temporary directory). Every replica runs it for every entry, on the one Raft
 * apply thread, so its time per entry bounds the cluster's write rate; compare N=1 with N=16 and
 * N=64 for what group commit saves, and with {@link RocksBatchBenchmark} for what Coffer's own
 * bookkeeping (metadata, usage, exactly-once session records) costs over the raw batch.
 *
 * <p>Keys cycle over a fixed key space, so after the first pass every put overwrites. Each put
 * carries a write id as the Java client sends it: one client id, sequences increasing by one,
 * {@code acked_below} = the sequence (one writer that has every earlier answer), so each entry
 * also forgets the previous session records. With {@code retentionMillis} above 0 every
 * overwrite also keeps the old version (nothing expires during a run). The entry is built inside the measured method (a
 * few protobuf builders, small next to the RocksDB write), since write ids must not repeat.
 * The fork logs warnings only ({@code logback-bench.xml}).
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = "-Dlogback.configurationFile=logback-bench.xml")
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ApplyBenchmark {
  static final int KEY_SPACE = 1024;
  private static final String USER = "bench-user";
  private static final String CLIENT_ID = "0123456789abcdef0123456789abcdef";

  /** Puts per log entry. */
  @Param({"1", "16", "64"})
  public int commands;

  /** Bytes of each put's value. */
  @Param({"1024", "65536"})
  public int valueBytes;

  /**
   * Version retention stamped on each entry: 0 keeps no versions; 604800000 (7 days, the
   * default) keeps every overwritten one, which copies the old value into the versions.
   */
  @Param({"0", "604800000"})
  public long retentionMillis;

  private Path dir;
  private BlobStore store;
  private ByteString[] keys;
  private ByteString value;
  private int valueCrc;
  private long index;
  private long sequence;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Fixtures.create("coffer-jmh-apply");
    store = BlobStore.open(dir.resolve("db"));
    keys = Fixtures.keys(KEY_SPACE);
    byte[] bytes = new byte[valueBytes];
    new Random(42).nextBytes(bytes);
    value = ByteString.copyFrom(bytes);
    valueCrc = Validation.crc32c(value);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    try {
      store.close();
    } finally {
      Fixtures.delete(dir);
    }
  }

  /** Applies the next entry; returns its responses (all OK, or it throws). */
  @Benchmark
  public List<Response> apply() {
    index++;
    LogEntry.Builder entry = LogEntry.newBuilder().setTimestampMillis(1_700_000_000_000L + index)
        .setVersionRetentionMillis(retentionMillis).setSessionExpiryMillis(86_400_000L);
    for (int i = 0; i < commands; i++) {
      sequence++;
      entry.addCommands(Command.newBuilder().setPut(PutRequest.newBuilder()
          .setUser(USER)
          .setKey(keys[(int) (sequence % KEY_SPACE)])
          .setValue(value)
          .setCrc32C(valueCrc)
          .setWriteId(WriteId.newBuilder()
              .setClientId(CLIENT_ID)
              .setSequence(sequence)
              .setAckedBelow(sequence))));
    }
    List<Response> responses = store.apply(1, index, entry.build());
    for (Response response : responses) {
      if (response.getStatus() != Status.OK) {
        throw new IllegalStateException("put at index " + index + " failed: " + response);
      }
    }
    return responses;
  }
}
