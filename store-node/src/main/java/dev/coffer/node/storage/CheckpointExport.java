package dev.coffer.node.storage;

import dev.coffer.proto.GetResult;
import dev.coffer.proto.ObjectMeta;
import java.io.IOException;
import java.io.OutputStream;
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
 * Reads one user's objects out of a checkpoint (a backup's files), opened read-only: each as a
 * length-delimited {@code GetResult} (metadata and value), in key byte order. What a per-user
 * restore from a backup puts back.
 */
public final class CheckpointExport {
  private CheckpointExport() {}

  /** Writes every object of {@code user} in the checkpoint to {@code out}; returns how many. */
  public static long user(Path checkpointDir, Path scratchDir, String user, OutputStream out) throws IOException {
    Validation.checkUser(user).ifPresent(problem -> {
      throw new IllegalArgumentException(problem);
    });
    RocksDB.loadLibrary();
    Files.createDirectories(scratchDir);
    List<ColumnFamilyDescriptor> families = List.of(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
        new ColumnFamilyDescriptor(StoreKeys.META_CF.getBytes(StandardCharsets.UTF_8)),
        new ColumnFamilyDescriptor(StoreKeys.DATA_CF.getBytes(StandardCharsets.UTF_8)));
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    byte[] prefix = StoreKeys.userPrefix(user);
    try (DBOptions options = new DBOptions().setDbLogDir(scratchDir.toString());
        RocksDB db = RocksDB.openReadOnly(options, checkpointDir.toString(), families, handles)) {
      try (RocksIterator metas = db.newIterator(handles.get(1))) {
        long count = 0;
        for (metas.seek(prefix); metas.isValid() && StoreKeys.startsWith(metas.key(), prefix); metas.next()) {
          ObjectMeta meta = ObjectMeta.parseFrom(metas.value());
          byte[] value = db.get(handles.get(2), StoreKeys.valueKey(metas.key(), meta));
          if (value == null) {
            throw new IOException("the value of " + StoreKeys.describeObjectKey(metas.key()) + " is missing");
          }
          GetResult.newBuilder().setMeta(meta.toBuilder().clearValueByVersion())
              .setValue(com.google.protobuf.UnsafeByteOperations.unsafeWrap(value)).build().writeDelimitedTo(out);
          count++;
        }
        metas.status();
        out.flush();
        return count;
      } finally {
        handles.forEach(ColumnFamilyHandle::close);
      }
    } catch (RocksDBException e) {
      throw new IOException("cannot read checkpoint " + checkpointDir + ": " + e.getMessage(), e);
    }
  }
}
