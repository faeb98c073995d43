package dev.coffer.node.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * The SHA-256 of a store's whole state: every column family's (name, key, value), in the order of
 * {@link StoreKeys#COLUMN_FAMILIES}, framed so no two states feed the same bytes. The same state
 * gives the same digest on a live store ({@link ReadView#digest}) and in a checkpoint
 * ({@link #ofCheckpoint}); a family a checkpoint predates counts as empty, as the store would
 * create it.
 */
public final class StateDigest {
  private StateDigest() {}

  static void feed(MessageDigest digest, RocksDB db, ReadOptions options, Map<String, ColumnFamilyHandle> families) {
    for (String name : StoreKeys.COLUMN_FAMILIES) {
      digest.update((byte) 'C');
      framed(digest, name.getBytes(StandardCharsets.UTF_8));
      ColumnFamilyHandle family = families.get(name);
      if (family == null) {
        continue;
      }
      try (RocksIterator it = db.newIterator(family, options)) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          digest.update((byte) 'E');
          framed(digest, it.key());
          framed(digest, it.value());
        }
        it.status();
      } catch (RocksDBException e) {
        throw new StorageException("RocksDB scan for the digest failed: " + e.getMessage(), e);
      }
    }
  }

  /**
   * The digest of the checkpoint in {@code checkpointDir}, opened read-only (so not changed; its
   * info log goes to {@code scratchDir}).
   */
  public static byte[] ofCheckpoint(Path checkpointDir, Path scratchDir) throws IOException {
    RocksDB.loadLibrary();
    Files.createDirectories(scratchDir);
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try (Options listing = new Options()) {
      for (byte[] name : RocksDB.listColumnFamilies(listing, checkpointDir.toString())) {
        descriptors.add(new ColumnFamilyDescriptor(name));
      }
    } catch (RocksDBException e) {
      throw new IOException("cannot list the column families of checkpoint " + checkpointDir + ": "
          + e.getMessage(), e);
    }
    try (DBOptions options = new DBOptions().setDbLogDir(scratchDir.toString());
        RocksDB db = RocksDB.openReadOnly(options, checkpointDir.toString(), descriptors, handles);
        ReadOptions reads = new ReadOptions()) {
      try {
        Map<String, ColumnFamilyHandle> families = new HashMap<>();
        for (int i = 0; i < descriptors.size(); i++) {
          families.put(new String(descriptors.get(i).getName(), StandardCharsets.UTF_8), handles.get(i));
        }
        MessageDigest sha256 = sha256();
        feed(sha256, db, reads, families);
        return sha256.digest();
      } finally {
        handles.forEach(ColumnFamilyHandle::close);
      }
    } catch (RocksDBException | StorageException e) {
      throw new IOException("cannot digest checkpoint " + checkpointDir + ": " + e.getMessage(), e);
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }

  private static void framed(MessageDigest digest, byte[] bytes) {
    digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
    digest.update(bytes);
  }
}
