package dev.coffer.node.storage;

import static dev.coffer.node.storage.TestEntries.bytes;
import static dev.coffer.node.storage.TestEntries.command;
import static dev.coffer.node.storage.TestEntries.entry;
import static dev.coffer.node.storage.TestEntries.putRequest;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.coffer.proto.PutRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Large values live in RocksDB's blob files, which checkpoints carry and reopened stores read. */
class BlobFilesTest {
  @TempDir
  Path dir;

  @Test
  void largeValue_storedInBlobFile_survivesCheckpointAndReopen() throws IOException {
    byte[] large = new byte[(int) StoreOptions.MIN_BLOB_BYTES * 4];
    new Random(7).nextBytes(large);
    PutRequest.Builder put = putRequest("alice", "photo", "x").setValue(ByteString.copyFrom(large))
        .setCrc32C(Validation.crc32c(ByteString.copyFrom(large)));
    byte[] digest;
    try (BlobStore store = BlobStore.open(dir.resolve("db"))) {
      store.apply(1, 1, entry(1000, command(put), TestEntries.put("alice", "note", "small")));
      store.checkpoint(dir.resolve("checkpoint")); // flushes the memtable first
      digest = store.digest();
    }
    assertTrue(count(dir.resolve("db"), ".blob") > 0, "no blob file in the store");
    assertTrue(count(dir.resolve("checkpoint"), ".blob") > 0, "the checkpoint has no blob file");
    try (BlobStore copy = BlobStore.open(dir.resolve("checkpoint"))) {
      assertArrayEquals(large, copy.get("alice", bytes("photo")).orElseThrow().getValue().toByteArray());
      assertEquals(bytes("small"), copy.get("alice", bytes("note")).orElseThrow().getValue());
      assertArrayEquals(digest, copy.digest());
    }
  }

  private static long count(Path dbDir, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(dbDir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(suffix)).count();
    }
  }
}
