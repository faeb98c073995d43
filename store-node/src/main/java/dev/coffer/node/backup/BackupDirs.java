package dev.coffer.node.backup;

import dev.coffer.node.storage.Directories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Deletes the directories backups leave behind. */
final class BackupDirs {
  private BackupDirs() {}

  static Path sibling(Path dir, String suffix) {
    return dir.resolveSibling(dir.getFileName() + suffix);
  }

  /** Empties {@code dir}: what a node that stopped in the middle of a backup left there. */
  static void deleteContents(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path entry : (Iterable<Path>) entries::iterator) {
        Directories.deleteTree(entry);
      }
    }
  }
}
