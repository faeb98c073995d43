package dev.coffer.bench;

import java.io.IOException;
import java.nio.file.Path;
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
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The floor under {@link ApplyBenchmark}: one RocksDB {@code WriteBatch} of N puts of 1 KiB
 * values, written with the WAL disabled (as {@code BlobStore} writes: the Raft log is the WAL), to
 * one column family of a database with RocksDB's default options, keys cycling over the same key
 * space. No reads, no metadata, usage or session records: the difference to ApplyBenchmark at
 * the same N and 1 KiB is what Coffer's logic costs per entry.
 */
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RocksBatchBenchmark {
  private static final int VALUE_BYTES = 1024;

  /** Puts per batch. */
  @Param({"1", "16", "64"})
  public int commands;

  private Path dir;
  private Options options;
  private WriteOptions writeOptions;
  private RocksDB db;
  private byte[][] keys;
  private byte[] value;
  private long next;

  @Setup(Level.Trial)
  public void setUp() throws IOException, RocksDBException {
    RocksDB.loadLibrary();
    dir = Fixtures.create("coffer-jmh-rocks");
    options = new Options().setCreateIfMissing(true);
    writeOptions = new WriteOptions().setDisableWAL(true);
    db = RocksDB.open(options, dir.resolve("db").toString());
    keys = new byte[ApplyBenchmark.KEY_SPACE][];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = Fixtures.key(i).toByteArray();
    }
    value = new byte[VALUE_BYTES];
    new Random(42).nextBytes(value);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    try {
      db.close();
      writeOptions.close();
      options.close();
    } finally {
      Fixtures.delete(dir);
    }
  }

  @Benchmark
  public void write() throws RocksDBException {
    try (WriteBatch batch = new WriteBatch()) {
      for (int i = 0; i < commands; i++) {
        batch.put(keys[(int) (next++ % keys.length)], value);
      }
      db.write(writeOptions, batch);
    }
  }
}
