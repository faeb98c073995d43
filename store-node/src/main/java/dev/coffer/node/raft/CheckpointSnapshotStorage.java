package dev.coffer.node.raft;

import dev.coffer.node.storage.BlobStore;
import dev.coffer.node.storage.Directories;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.impl.FileListSnapshotInfo;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots are RocksDB checkpoints, one directory each, named {@code snapshot.TERM_INDEX}, every
 * file with an MD5 beside it. Ratis sends the listed files to a follower that needs them and, on
 * the follower, moves the received tree into {@link #getSnapshotDir()}.
 */
final class CheckpointSnapshotStorage implements StateMachineStorage {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointSnapshotStorage.class);
  private static final Pattern NAME = Pattern.compile("snapshot\\.(\\d+)_(\\d+)");
  private static final int SNAPSHOTS_KEPT = 2;

  private final Path dir;
  private volatile FileListSnapshotInfo latest;
  private volatile Path latestDir;

  CheckpointSnapshotStorage(Path dir) {
    this.dir = dir;
  }

  @Override
  public void init(RaftStorage raftStorage) throws IOException {
    Files.createDirectories(dir);
    reload();
  }

  /** Re-reads the directory: after start-up and after Ratis installed a snapshot into it. */
  void reload() throws IOException {
    Optional<Path> newest = snapshotDirs().max(Comparator.comparingLong(p -> termIndexOf(p).getIndex()));
    latestDir = newest.orElse(null);
    latest = newest.isPresent() ? describe(newest.get()) : null;
  }

  @Override
  public FileListSnapshotInfo getLatestSnapshot() {
    return latest;
  }

  Path latestDir() {
    return latestDir;
  }

  /** Checkpoints the store as of its applied term and index; a no-op if that snapshot exists. */
  FileListSnapshotInfo take(BlobStore store) throws IOException {
    TermIndex at = TermIndex.valueOf(store.appliedTerm(), store.appliedIndex());
    FileListSnapshotInfo current = latest;
    if (current != null && current.getTermIndex().getIndex() >= at.getIndex()) {
      return current;
    }
    String name = "snapshot." + at.getTerm() + "_" + at.getIndex();
    Path tmp = dir.resolve(name + ".tmp");
    Directories.deleteTree(tmp);
    store.checkpoint(tmp);
    Path previous = latestDir;
    int reused = 0;
    try (Stream<Path> files = Files.list(tmp)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (reuseMd5(previous, f)) {
          reused++;
        } else {
          MD5FileUtil.computeAndSaveMd5ForFile(f.toFile());
        }
      }
    }
    Path target = dir.resolve(name);
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    latest = describe(target);
    latestDir = target;
    deleteOlderThan(SNAPSHOTS_KEPT);
    LOG.info("Took snapshot {} ({} files, {} MD5s reused)", name, latest.getFiles().size(), reused);
    return latest;
  }

  /**
   * Copies the MD5 of {@code file} from the previous snapshot when both are the same RocksDB
   * table or blob file (a checkpoint hard-links them; RocksDB never changes such a file once
   * written). Hashing every file at every snapshot took seconds on the apply thread once the
   * store held a few GiB of large values, stalling every write for that long.
   */
  private static boolean reuseMd5(Path previousDir, Path file) throws IOException {
    String name = file.getFileName().toString();
    if (previousDir == null || !(name.endsWith(".sst") || name.endsWith(".blob"))) {
      return false;
    }
    Path before = previousDir.resolve(name);
    File beforeMd5 = MD5FileUtil.getDigestFileForFile(before.toFile());
    if (!Files.exists(before) || !beforeMd5.exists() || !Files.isSameFile(before, file)) {
      return false;
    }
    // Written (and fsynced) the way Ratis writes a computed one: a power cut must not leave it empty.
    MD5FileUtil.saveMD5File(file.toFile(), MD5FileUtil.readStoredMd5ForFile(before.toFile()));
    return true;
  }

  /** Checks every file of the snapshot against its stored MD5 (it used to compare the stored MD5 with itself). */
  static void verify(Path snapshotDir) throws IOException {
    for (Path f : dataFiles(snapshotDir)) {
      File md5 = MD5FileUtil.getDigestFileForFile(f.toFile());
      if (md5.exists()) {
        MD5FileUtil.verifySavedMD5(f.toFile(), MD5FileUtil.computeMd5ForFile(f.toFile()));
      }
    }
  }

  @Override
  public void format() {
    // Nothing to prepare: the directory is created by init.
  }

  @Override
  public void cleanupOldSnapshots(SnapshotRetentionPolicy policy) throws IOException {
    deleteOlderThan(Math.max(SNAPSHOTS_KEPT, policy.getNumSnapshotsRetained()));
  }

  @Override
  public File getSnapshotDir() {
    return dir.toFile();
  }

  private void deleteOlderThan(int keep) throws IOException {
    List<Path> all = new ArrayList<>(snapshotDirs().toList());
    all.sort(Comparator.comparingLong((Path p) -> termIndexOf(p).getIndex()).reversed());
    for (Path old : all.subList(Math.min(keep, all.size()), all.size())) {
      Directories.deleteTree(old);
    }
  }

  private Stream<Path> snapshotDirs() throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.filter(Files::isDirectory)
          .filter(p -> NAME.matcher(p.getFileName().toString()).matches())
          .toList().stream();
    }
  }

  private static TermIndex termIndexOf(Path snapshotDir) {
    Matcher m = NAME.matcher(snapshotDir.getFileName().toString());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a snapshot directory: " + snapshotDir);
    }
    return TermIndex.valueOf(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
  }

  private static FileListSnapshotInfo describe(Path snapshotDir) throws IOException {
    List<FileInfo> files = new ArrayList<>();
    for (Path f : dataFiles(snapshotDir)) {
      File md5 = MD5FileUtil.getDigestFileForFile(f.toFile());
      MD5Hash digest = md5.exists() ? MD5FileUtil.readStoredMd5ForFile(f.toFile()) : null;
      files.add(new FileInfo(f.toAbsolutePath(), digest));
    }
    return new FileListSnapshotInfo(files, termIndexOf(snapshotDir));
  }

  private static List<Path> dataFiles(Path snapshotDir) throws IOException {
    try (Stream<Path> entries = Files.list(snapshotDir)) {
      return entries.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().endsWith(MD5FileUtil.MD5_SUFFIX))
          .sorted()
          .toList();
    }
  }
}
