package dev.coffer.node.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Swaps a database directory for the contents of a checkpoint, so that a crash at any instant
 * leaves either the old database or the complete new one.
 *
 * <p>Steps: copy the checkpoint into {@code db.incoming} and fsync it; move the old {@code db}
 * aside to {@code db.old} (an empty {@code db.old} is made when there was no old database); move
 * {@code db.incoming} to {@code db}; delete {@code db.old}. So an existing {@code db.old} proves
 * that {@code db.incoming} is complete, which is what {@link #recover} relies on.
 */
public final class CheckpointFiles {

  private CheckpointFiles() {}

  static void replace(Path checkpointDir, Path dbDir) throws IOException {
    if (!Files.isDirectory(checkpointDir)) {
      throw new IOException("checkpoint directory " + checkpointDir + " does not exist");
    }
    recover(dbDir);
    Path incoming = sibling(dbDir, ".incoming");
    Path old = sibling(dbDir, ".old");
    Directories.deleteTree(incoming); // an unfinished copy from an earlier attempt
    copyTree(checkpointDir, incoming);
    fsyncDirectory(incoming);
    if (Files.exists(dbDir)) {
      Files.move(dbDir, old, StandardCopyOption.ATOMIC_MOVE);
    } else {
      Files.createDirectory(old);
    }
    fsyncDirectory(dbDir.toAbsolutePath().getParent());
    Files.move(incoming, dbDir, StandardCopyOption.ATOMIC_MOVE);
    fsyncDirectory(dbDir.toAbsolutePath().getParent());
    Directories.deleteTree(old);
  }

  /** Finishes or cleans up a replacement that a crash interrupted; no-op otherwise. */
  static void recover(Path dbDir) throws IOException {
    Path incoming = sibling(dbDir, ".incoming");
    Path old = sibling(dbDir, ".old");
    if (Files.exists(old) && !Files.exists(dbDir) && Files.exists(incoming)) {
      Files.move(incoming, dbDir, StandardCopyOption.ATOMIC_MOVE);
      fsyncDirectory(dbDir.toAbsolutePath().getParent());
    }
    if (Files.exists(old) && Files.exists(dbDir)) {
      Directories.deleteTree(old);
    }
    if (!Files.exists(old)) {
      Directories.deleteTree(incoming); // never finished copying
    }
  }

  static Path sibling(Path dbDir, String suffix) {
    Path absolute = dbDir.toAbsolutePath();
    return absolute.resolveSibling(absolute.getFileName() + suffix);
  }

  /**
   * Hard-links immutable table files (RocksDB never changes an .sst or .blob file once written)
   * and copies the rest: MANIFEST and log files are appended to by whichever database opens them,
   * so sharing them would let the new database change the checkpoint.
   */
  private static void copyTree(Path source, Path target) throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(source)) {
      for (Path path : (Iterable<Path>) walk::iterator) {
        Path destination = target.resolve(source.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(destination);
        } else {
          linkOrCopy(path, destination);
          files.add(destination);
        }
      }
    }
    for (Path file : files) {
      fsyncFile(file);
    }
  }

  /** Fsyncs every file under {@code dir}, then the directories: what is there survives a power cut. */
  static void makeDurable(Path dir) throws IOException {
    List<Path> dirs = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path path : (Iterable<Path>) walk::iterator) {
        if (Files.isDirectory(path)) {
          dirs.add(path);
        } else {
          fsyncFile(path);
        }
      }
    }
    for (Path d : dirs) {
      fsyncDirectory(d);
    }
    fsyncDirectory(dir.toAbsolutePath().getParent());
  }

  private static void fsyncFile(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static void linkOrCopy(Path source, Path destination) throws IOException {
    String name = source.getFileName().toString();
    if (name.endsWith(".sst") || name.endsWith(".blob")) {
      try {
        Files.createLink(destination, source);
        return;
      } catch (IOException | UnsupportedOperationException e) {
        // another file system, or links unsupported: fall back to a copy
      }
    }
    Files.copy(source, destination, StandardCopyOption.COPY_ATTRIBUTES);
  }

  /** Forces a directory's entries to disk. */
  public static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some platforms cannot open a directory for fsync; Linux can, and that is what matters.
      if (System.getProperty("os.name").toLowerCase().contains("linux")) {
        throw e;
      }
    }
  }
}
