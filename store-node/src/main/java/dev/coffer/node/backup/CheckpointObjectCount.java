package dev.coffer.node.backup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * Counts the objects in a RocksDB checkpoint: the keys of its {@code meta} column family (one per
 * object, see {@code StoreKeys}). The checkpoint is opened read-only, so it is not changed; its
 * info log goes to a scratch directory instead of beside the checkpoint's files.
 */
final class CheckpointObjectCount {
  private static final byte[] META_CF = "meta".getBytes(StandardCharsets.UTF_8);

  private CheckpointObjectCount() {}

  static long of(Path checkpointDir, Path scratchDir) throws IOException {
    RocksDB.loadLibrary();
    Files.createDirectories(scratchDir);
    List<ColumnFamilyDescriptor> families = List.of(
        new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY), new ColumnFamilyDescriptor(META_CF));
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try (DBOptions options = new DBOptions().setDbLogDir(scratchDir.toString());
         RocksDB db = RocksDB.openReadOnly(options, checkpointDir.toString(), families, handles)) {
      try (RocksIterator keys = db.newIterator(handles.get(1))) {
        long count = 0;
        for (keys.seekToFirst(); keys.isValid(); keys.next()) {
          count++;
        }
        keys.status();
        return count;
      } finally {
        handles.forEach(ColumnFamilyHandle::close);
      }
    } catch (RocksDBException e) {
      throw new IOException("cannot count the objects of checkpoint " + checkpointDir + ": " + e.getMessage(), e);
    }
  }
}
