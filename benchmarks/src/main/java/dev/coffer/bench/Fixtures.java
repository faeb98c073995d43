package dev.coffer.bench;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** What the storage benchmarks share: scratch directories (under java.io.tmpdir) and keys. */
final class Fixtures {
  private Fixtures() {}

  static Path create(String prefix) throws IOException {
    return Files.createTempDirectory(prefix);
  }

  /** Deletes {@code dir} and everything under it. */
  static void delete(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /** Key number {@code i} of a benchmark's key space, e.g. "objects/000042". */
  static ByteString key(int i) {
    return ByteString.copyFromUtf8(String.format("objects/%06d", i));
  }

  static ByteString[] keys(int count) {
    ByteString[] keys = new ByteString[count];
    for (int i = 0; i < count; i++) {
      keys[i] = key(i);
    }
    return keys;
  }
}
