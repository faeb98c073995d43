package dev.coffer.node.backup;

import dev.coffer.client.BackupCheck;
import dev.coffer.client.BackupFile;
import dev.coffer.client.BackupManifest;
import dev.coffer.client.BackupRestore;
import dev.coffer.client.BackupVerifier;
import dev.coffer.node.NodeConfig;
import dev.coffer.node.raft.RaftGateway;
import dev.coffer.node.storage.CheckpointFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a node from a backup: before its Raft server starts, an empty data directory gets the
 * backup's snapshot and Raft term, in the formats Ratis and the store read (which is why this is
 * the node's job, not the client's). The node then starts like one whose log was purged up to
 * that snapshot: it restores RocksDB from it, the first election is for a later term, and the log
 * goes on at the backup's index + 1, so versions keep growing.
 *
 * <p>Why the backup's term, not 0 with {@code --bootstrap}: with the snapshot named term 0, Ratis
 * takes every voter's log for empty and no pre-vote ever succeeds; named with an older term, the
 * first new entry would move the applied term backwards, which Ratis refuses.
 *
 * <p>A pending restore is named by {@link #MARKER} in the data directory (written by
 * {@code coffer restore} or {@code --restore-from}); it is deleted last, so a node that crashes
 * during the install does it again at its next start.
 */
public final class BackupInstall {
  /** In a data directory: the path of the backup to start from. */
  public static final String MARKER = BackupRestore.RESTORE_FROM;
  private static final Logger LOG = LoggerFactory.getLogger(BackupInstall.class);

  private BackupInstall() {}

  /** The backup a pending restore of {@code config}'s node names, if one is pending. */
  public static Optional<Path> pending(NodeConfig config) throws IOException {
    Path marker = config.dataDir().resolve(MARKER);
    if (!Files.exists(marker)) {
      return Optional.empty();
    }
    String named = Files.readString(marker, StandardCharsets.UTF_8).trim();
    if (named.isEmpty()) {
      throw new IOException(marker + " names no backup");
    }
    return Optional.of(Path.of(named));
  }

  public static boolean hasRaftState(NodeConfig config) throws IOException {
    return !isEmpty(config.raftDir());
  }

  /** Asks for {@code backup} (a backup, or a backup set: its newest) to be installed at the node's next start. */
  public static void request(NodeConfig config, Path backup) throws IOException {
    if (!isEmpty(config.raftDir())) {
      throw new IOException("node " + config.nodeId() + " already has Raft state in " + config.raftDir()
          + ": a restore starts a new cluster on empty data directories");
    }
    BackupCheck check = verified(backup);
    Files.createDirectories(config.dataDir());
    Path marker = config.dataDir().resolve(MARKER);
    Path tmp = marker.resolveSibling(MARKER + ".tmp");
    Files.writeString(tmp, check.dir().toAbsolutePath().normalize() + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, marker, StandardCopyOption.ATOMIC_MOVE);
    CheckpointFiles.fsyncDirectory(config.dataDir());
  }

  /** Installs the pending backup, if any; returns whether there was one. */
  public static boolean installPending(NodeConfig config) throws IOException {
    Optional<Path> backup = pending(config);
    if (backup.isEmpty()) {
      return false;
    }
    install(config, backup.get());
    Files.delete(config.dataDir().resolve(MARKER));
    CheckpointFiles.fsyncDirectory(config.dataDir());
    return true;
  }

  private static void install(NodeConfig config, Path backup) throws IOException {
    BackupCheck check = verified(backup);
    BackupManifest manifest = check.manifest().orElseThrow();
    if (!manifest.clusterId().equals(RaftGateway.GROUP_ID.getUuid().toString())) {
      throw new IOException("backup " + check.dir() + " is of cluster " + manifest.clusterId() + ", not of "
          + RaftGateway.GROUP_ID.getUuid());
    }
    LOG.info("Node {} starts from backup {} (index {}, term {}, {} objects)", config.nodeId(), check.dir(),
        manifest.index(), manifest.term(), manifest.objectCount());
    // Whatever an interrupted install left is redone from scratch.
    deleteTree(config.raftDir());
    deleteTree(config.snapshotDir());
    Path snapshot = config.snapshotDir().resolve("snapshot." + manifest.term() + "_" + manifest.index());
    Path partial = config.snapshotDir().resolve(".installing");
    Files.createDirectories(partial);
    for (BackupFile file : manifest.files()) {
      copy(check.dir().resolve("files").resolve(file.name()), file, partial);
    }
    CheckpointFiles.fsyncDirectory(partial);
    Files.move(partial, snapshot, StandardCopyOption.ATOMIC_MOVE);
    CheckpointFiles.fsyncDirectory(config.snapshotDir());
    writeRaftTerm(config.raftDir().resolve(manifest.clusterId()).resolve("current"), manifest.term());
  }

  private static BackupCheck verified(Path backup) throws IOException {
    BackupCheck check = BackupVerifier.verify(backup);
    if (!check.intact()) {
      throw new IOException("backup " + check.dir() + " is not intact: " + String.join("; ", check.problems()));
    }
    return check;
  }

  /**
   * Copies one backup file, checking its SHA-256 again on the way (it was verified, but could
   * change before it is read again), and writes the MD5 file the node checks before it uses a
   * snapshot.
   */
  private static void copy(Path source, BackupFile file, Path dir) throws IOException {
    MessageDigest sha256 = digest("SHA-256");
    MessageDigest md5 = digest("MD5");
    try (InputStream in = Files.newInputStream(source);
        FileChannel out = FileChannel.open(dir.resolve(file.name()), StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE)) {
      byte[] buffer = new byte[1 << 20];
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha256.update(buffer, 0, n);
        md5.update(buffer, 0, n);
        ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
        while (chunk.hasRemaining()) {
          out.write(chunk);
        }
      }
      out.force(true);
    }
    String actual = HexFormat.of().formatHex(sha256.digest());
    if (!actual.equals(file.sha256())) {
      throw new IOException(source + " changed while it was restored: SHA-256 " + actual + " instead of "
          + file.sha256());
    }
    // The format Ratis's MD5FileUtil writes and reads: "<md5 hex> *<file name>".
    Path md5File = dir.resolve(file.name() + ".md5");
    Files.writeString(md5File, HexFormat.of().formatHex(md5.digest()) + " *" + file.name() + "\n",
        StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
  }

  /** Ratis's {@code raft-meta}: a properties file with the current term and the vote cast in it. */
  private static void writeRaftTerm(Path ratisCurrentDir, long term) throws IOException {
    Files.createDirectories(ratisCurrentDir);
    Properties meta = new Properties();
    meta.setProperty("term", Long.toString(term));
    meta.setProperty("votedFor", "");
    StringWriter text = new StringWriter();
    meta.store(text, "written by a restore: the new cluster's terms continue after the backup's");
    Path file = ratisCurrentDir.resolve("raft-meta");
    Path tmp = ratisCurrentDir.resolve("raft-meta.tmp");
    Files.writeString(tmp, text.toString(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    CheckpointFiles.fsyncDirectory(ratisCurrentDir);
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is missing from this JVM", e);
    }
  }

  private static boolean isEmpty(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return true;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
