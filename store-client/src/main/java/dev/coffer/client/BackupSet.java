package dev.coffer.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A directory of backups. Each backup is complete in its own subdirectory ({@code manifest.json}
 * beside {@code files/}, see {@link BackupLayout}); a later backup hard-links the files it shares
 * with the earlier ones instead of copying them again (RocksDB never changes a table file once
 * written), so a backup after a few changes costs only the new files, and deleting an old
 * backup never breaks a newer one. Backups are ordered by log index, then creation time.
 *
 * <p>A directory holding {@code manifest.json} itself is a single backup, as written before
 * backup sets; the commands that read backups take either.
 */
public final class BackupSet {
    /** Where a backup is written until its manifest is: the next backup into the set deletes a leftover one. */
    static final String PARTIAL_PREFIX = ".partial-";

    private BackupSet() {
    }

    /** A backup of the set and its manifest. */
    public record Entry(Path dir, BackupManifest manifest) {
    }

    /** Whether {@code dir} is one backup (it holds a manifest). */
    public static boolean isSingleBackup(Path dir) {
        return Files.isRegularFile(BackupLayout.manifest(dir));
    }

    /**
     * The backups in {@code dir}, oldest first; for a single backup, that one. Subdirectories
     * without a readable manifest are left out (an unfinished backup, or not a backup at all).
     */
    public static List<Entry> list(Path dir) throws IOException {
        if (isSingleBackup(dir)) {
            Optional<BackupManifest> manifest = readManifest(dir);
            return manifest.map(m -> List.of(new Entry(dir, m))).orElse(List.of());
        }
        List<Entry> backups = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return backups;
        }
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : (Iterable<Path>) children.sorted()::iterator) {
                if (Files.isDirectory(child) && !child.getFileName().toString().startsWith(PARTIAL_PREFIX)) {
                    readManifest(child).ifPresent(m -> backups.add(new Entry(child, m)));
                }
            }
        }
        backups.sort(Comparator.comparingLong((Entry e) -> e.manifest().index())
                .thenComparing(e -> e.manifest().created()));
        return backups;
    }

    /**
     * The backup a command reading {@code dir} means: {@code dir} itself, or the newest backup in
     * it by name (names sort by index, then time), whether or not its manifest is readable, so that
     * a damaged newest backup is reported rather than passed over for an older one; empty when
     * there is none.
     */
    public static Optional<Path> newest(Path dir) throws IOException {
        List<Path> backups = backupDirs(dir);
        return backups.isEmpty() ? Optional.empty() : Optional.of(backups.get(backups.size() - 1));
    }

    /** {@code dir} when it is a single backup, else its subdirectories holding a manifest, by name. */
    public static List<Path> backupDirs(Path dir) throws IOException {
        if (isSingleBackup(dir)) {
            return List.of(dir);
        }
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(child -> !child.getFileName().toString().startsWith(PARTIAL_PREFIX))
                    .filter(BackupSet::isSingleBackup).sorted().toList();
        }
    }

    /** Deletes all but the newest {@code keep} backups of the set in {@code dir}; returns the deleted ones. */
    public static List<Path> prune(Path dir, int keep) throws IOException {
        if (keep < 1) {
            throw new InvalidArgumentException("keep at least 1 backup, not " + keep);
        }
        List<Entry> backups = list(dir);
        List<Path> deleted = new ArrayList<>();
        for (Entry old : backups.subList(0, Math.max(0, backups.size() - keep))) {
            // The manifest goes first: a prune cut off halfway leaves no half backup that looks whole.
            Files.delete(BackupLayout.manifest(old.dir()));
            BackupLayout.fsync(old.dir());
            BackupLayout.deleteTree(old.dir());
            deleted.add(old.dir());
        }
        if (!deleted.isEmpty()) {
            BackupLayout.fsync(dir);
        }
        return deleted;
    }

    /** Files of the set's backups by (name, size, SHA-256) as their manifests list them: what a new backup may link. */
    static Map<String, Path> filesByContent(Path dir) throws IOException {
        Map<String, Path> files = new HashMap<>();
        for (Entry backup : list(dir)) {
            for (BackupFile file : backup.manifest().files()) {
                Path path = BackupLayout.files(backup.dir()).resolve(file.name());
                if (BackupLayout.isPlainFileName(file.name()) && Files.isRegularFile(path)
                        && Files.size(path) == file.size()) {
                    files.put(contentKey(file), path);
                }
            }
        }
        return files;
    }

    static String contentKey(BackupFile file) {
        return file.name() + '\0' + file.size() + '\0' + file.sha256();
    }

    /** Deletes what an interrupted backup left behind. */
    static void deletePartial(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : (Iterable<Path>) children::iterator) {
                if (child.getFileName().toString().startsWith(PARTIAL_PREFIX)) {
                    BackupLayout.deleteTree(child);
                }
            }
        }
    }

    /** Whether {@code dir} can take a new backup: absent, empty, or holding only backups of a set. */
    static Optional<String> unfitForNewBackup(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return Optional.empty();
        }
        if (!Files.isDirectory(dir)) {
            return Optional.of(dir + " is not a directory");
        }
        if (isSingleBackup(dir)) {
            return Optional.of(dir + " is a single backup (made before backup sets): back up into a new directory,"
                    + " or into the directory that holds it");
        }
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : (Iterable<Path>) children::iterator) {
                String name = child.getFileName().toString();
                if (!name.startsWith(PARTIAL_PREFIX) && !(Files.isDirectory(child) && isSingleBackup(child))) {
                    return Optional.of(dir + " holds " + name + ", which is not a backup: back up into a new or empty"
                            + " directory, or one holding only backups");
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<BackupManifest> readManifest(Path backupDir) {
        try {
            return Optional.of(BackupManifestJson.read(Files.readString(BackupLayout.manifest(backupDir),
                    StandardCharsets.UTF_8)));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
