package dev.coffer.node.backup;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.coffer.node.raft.ClusterRejectedException;
import dev.coffer.node.storage.Directories;
import dev.coffer.node.storage.StateDigest;
import dev.coffer.proto.BackupFile;
import dev.coffer.proto.BackupManifest;
import dev.coffer.proto.Status;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.util.MD5FileUtil;

/**
 * A snapshot held for one backup: its files hard-linked into a directory of their own, so that
 * snapshot clean-up cannot delete them while a client copies them (RocksDB never rewrites a
 * checkpoint's files, so the links see exactly the snapshot's bytes).
 */
final class PinnedBackup {
  private final Path dir;
  private final BackupManifest manifest;
  private final Map<String, Long> sizes = new LinkedHashMap<>();
  private volatile long lastUsedNanos = System.nanoTime();

  private PinnedBackup(Path dir, BackupManifest manifest) {
    this.dir = dir;
    this.manifest = manifest;
    manifest.getFilesList().forEach(f -> sizes.put(f.getName(), f.getSize()));
  }

  /**
   * Links {@code snapshot}'s files into {@code dir} and describes them. Fails with a
   * {@link java.nio.file.NoSuchFileException} when the snapshot was deleted meanwhile (a newer one
   * replaced it): the caller then pins the newer one.
   */
  static PinnedBackup pin(SnapshotInfo snapshot, Path dir, BackupManifest.Builder description) throws IOException {
    Files.createDirectories(dir);
    for (FileInfo file : snapshot.getFiles()) {
      Path source = file.getPath();
      Files.createLink(dir.resolve(source.getFileName().toString()), source);
      File md5 = MD5FileUtil.getDigestFileForFile(source.toFile());
      if (md5.exists()) {
        Files.createLink(dir.resolve(md5.getName()), md5.toPath());
      }
    }
    Path scratch = BackupDirs.sibling(dir, ".rocksdb-log");
    try {
      description.setTerm(snapshot.getTerm()).setIndex(snapshot.getIndex())
          .setObjectCount(CheckpointObjectCount.of(dir, scratch))
          .setStateSha256(ByteString.copyFrom(StateDigest.ofCheckpoint(dir, scratch)));
    } finally {
      Directories.deleteTree(scratch);
    }
    for (FileInfo file : snapshot.getFiles()) {
      Path pinned = dir.resolve(file.getPath().getFileName().toString());
      description.addFiles(BackupFile.newBuilder().setName(pinned.getFileName().toString())
          .setSize(Files.size(pinned))
          .setSha256(ByteString.copyFrom(SnapshotFileDigest.sha256(pinned, description.getNodeId()))));
    }
    return new PinnedBackup(dir, description.build());
  }

  BackupManifest manifest() {
    return manifest;
  }

  /** Up to {@code maxLength} bytes of file {@code name} from {@code offset}; empty at its end. */
  ByteString read(String name, long offset, int maxLength) throws IOException {
    lastUsedNanos = System.nanoTime();
    Long size = sizes.get(name);
    if (size == null) {
      throw new ClusterRejectedException(Status.INVALID_ARGUMENT, "backup " + manifest.getBackupId()
          + " has no file '" + name + "'", "");
    }
    if (offset < 0 || offset > size) {
      throw new ClusterRejectedException(Status.INVALID_ARGUMENT, "offset " + offset + " is outside file '" + name
          + "' of " + size + " bytes", "");
    }
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(maxLength, size - offset));
    try (FileChannel channel = FileChannel.open(dir.resolve(name), StandardOpenOption.READ)) {
      while (buffer.hasRemaining()) {
        if (channel.read(buffer, offset + buffer.position()) < 0) {
          throw new IOException("pinned file " + dir.resolve(name) + " is shorter than the " + size
              + " bytes it had when the backup began");
        }
      }
    }
    // The buffer is never touched again: no need to copy it.
    return UnsafeByteOperations.unsafeWrap(buffer.array());
  }

  long idleNanos() {
    return System.nanoTime() - lastUsedNanos;
  }

  void delete() throws IOException {
    Directories.deleteTree(dir);
  }
}
