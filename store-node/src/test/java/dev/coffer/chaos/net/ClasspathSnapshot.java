package dev.coffer.chaos.net;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A private copy of the parts of the test class path that a build can rewrite while nodes run: class
 * directories ({@code target/classes}) and SNAPSHOT jars. A node restarted minutes into a test then
 * loads the same classes it started with, even if someone recompiles the module meanwhile (otherwise
 * a restart fails with ClassNotFoundException). Released jars are used in place.
 */
final class ClasspathSnapshot {
  private ClasspathSnapshot() {}

  /** Copies the mutable entries of {@code java.class.path} under {@code dir}; returns the class path to use. */
  static String copyTo(Path dir) {
    List<String> entries = new ArrayList<>();
    int n = 0;
    try {
      for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
        Path source = Path.of(entry);
        if (Files.isDirectory(source)) {
          Path target = dir.resolve("dir" + n++);
          copyTree(source, target);
          entries.add(target.toString());
        } else if (Files.isRegularFile(source) && source.getFileName().toString().contains("-SNAPSHOT")) {
          Path target = dir.resolve("jar" + n++).resolve(source.getFileName());
          Files.createDirectories(target.getParent());
          Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
          entries.add(target.toString());
        } else {
          entries.add(entry);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy the class path under " + dir, e);
    }
    return String.join(File.pathSeparator, entries);
  }

  private static void copyTree(Path source, Path target) throws IOException {
    try (Stream<Path> paths = Files.walk(source)) {
      for (Path p : paths.toList()) {
        Path copy = target.resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(p, copy, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (UncheckedIOException e) {
      // Files.walk reports a file deleted mid-walk (a concurrent build) this way
      throw e.getCause();
    }
  }
}
