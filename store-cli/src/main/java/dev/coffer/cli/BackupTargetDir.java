package dev.coffer.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Where backup and restore write: a directory that does not exist yet, or an empty one. */
final class BackupTargetDir {
    private BackupTargetDir() {
    }

    static boolean isAbsentOrEmpty(Path dir) {
        if (!Files.exists(dir)) {
            return true;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false; // a file, or an unreadable directory: it cannot take the output either
        }
    }
}
