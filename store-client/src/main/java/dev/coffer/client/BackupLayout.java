package dev.coffer.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * A backup directory on disk: {@code manifest.json} beside {@code files/}, and the file-level
 * helpers that writing, checking and restoring one share. The manifest is written last, so a
 * directory without one is an unfinished backup.
 */
final class BackupLayout {
    static final String MANIFEST = "manifest.json";
    static final String FILES = "files";

    private BackupLayout() {
    }

    static Path manifest(Path backupDir) {
        return backupDir.resolve(MANIFEST);
    }

    static Path files(Path backupDir) {
        return backupDir.resolve(FILES);
    }

    /** A file name from a manifest must stay inside its directory: no separators, no "." or "..". */
    static boolean isPlainFileName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0
                && name.indexOf('\\') < 0 && name.indexOf('\0') < 0;
    }

    static boolean isAbsentOrEmpty(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return true;
        }
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from this JVM", e);
        }
    }

    static String sha256Hex(Path file) throws IOException {
        MessageDigest sha256 = digest("SHA-256");
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha256.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    /** Writes {@code text} so that a crash leaves either no file or the whole of it. */
    static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        fsync(tmp);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        fsync(file.toAbsolutePath().getParent());
    }

    /** Forces a file, or a directory's entries, to disk. */
    static void fsync(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a directory for fsync; Linux can, and there it must work.
            if (!Files.isDirectory(path) || System.getProperty("os.name").toLowerCase().contains("linux")) {
                throw e;
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
