package dev.coffer.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks a backup directory without a cluster: the manifest is readable and sensible, every file
 * it lists is there with its size and SHA-256, and nothing else is.
 */
public final class BackupVerifier {
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private BackupVerifier() {
    }

    /**
     * Checks the backup {@code dir} means: {@code dir} itself when it holds a manifest, else the
     * newest backup of the backup set in it (see {@link BackupSet}).
     */
    public static BackupCheck verify(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return new BackupCheck(dir, Optional.empty(), List.of(dir + " is not a directory"));
        }
        Optional<Path> newest = BackupSet.newest(dir);
        if (newest.isEmpty()) {
            return new BackupCheck(dir, Optional.empty(), List.of("there is no " + BackupLayout.MANIFEST + " in "
                    + dir + " or its subdirectories: not a backup, or one that never finished"));
        }
        return verifyOne(newest.get());
    }

    /** Checks every backup {@code dir} holds: itself, or each of the set's backups, oldest first. */
    public static List<BackupCheck> verifyAll(Path dir) throws IOException {
        List<Path> backups = BackupSet.backupDirs(dir);
        if (backups.isEmpty()) {
            return List.of(verify(dir));
        }
        List<BackupCheck> checks = new ArrayList<>();
        for (Path backup : backups) {
            checks.add(verifyOne(backup));
        }
        return checks;
    }

    private static BackupCheck verifyOne(Path dir) throws IOException {
        List<String> problems = new ArrayList<>();
        BackupManifest manifest;
        try {
            manifest = BackupManifestJson.read(Files.readString(BackupLayout.manifest(dir), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return new BackupCheck(dir, Optional.empty(), List.of("there is no " + BackupLayout.MANIFEST
                    + ": not a backup, or one that never finished"));
        } catch (IllegalArgumentException e) {
            return new BackupCheck(dir, Optional.empty(), List.of(BackupLayout.MANIFEST + ": " + e.getMessage()));
        }
        checkManifest(manifest, problems);
        checkFiles(dir, manifest, problems);
        return new BackupCheck(dir, Optional.of(manifest), problems);
    }

    private static void checkManifest(BackupManifest m, List<String> problems) {
        try {
            UUID.fromString(m.clusterId());
        } catch (IllegalArgumentException e) {
            problems.add("the cluster id '" + m.clusterId() + "' is not a UUID");
        }
        if (m.nodeId().isEmpty()) {
            problems.add("the manifest names no node");
        }
        if (m.term() < 1 || m.index() < 1) {
            problems.add("term " + m.term() + " and index " + m.index() + " must both be at least 1");
        }
        if (m.objectCount() < 0) {
            problems.add("the object count " + m.objectCount() + " is negative");
        }
        if (!m.stateSha256().isEmpty() && !SHA256_HEX.matcher(m.stateSha256()).matches()) {
            problems.add("the state digest '" + m.stateSha256() + "' is not a SHA-256 in hex");
        }
        if (m.files().isEmpty()) {
            problems.add("the manifest lists no files");
        }
        Set<String> names = new HashSet<>();
        for (BackupFile f : m.files()) {
            if (!BackupLayout.isPlainFileName(f.name())) {
                problems.add("'" + f.name() + "' is not a plain file name");
            } else if (!names.add(f.name())) {
                problems.add("'" + f.name() + "' is listed twice");
            }
            if (f.size() < 0) {
                problems.add(f.name() + ": negative size " + f.size());
            }
            if (!SHA256_HEX.matcher(f.sha256()).matches()) {
                problems.add(f.name() + ": '" + f.sha256() + "' is not a SHA-256 in hex");
            }
        }
    }

    private static void checkFiles(Path dir, BackupManifest m, List<String> problems) throws IOException {
        Path files = BackupLayout.files(dir);
        if (!Files.isDirectory(files)) {
            problems.add("there is no " + BackupLayout.FILES + "/ directory");
            return;
        }
        Set<String> listed = new HashSet<>();
        for (BackupFile f : m.files()) {
            if (!BackupLayout.isPlainFileName(f.name())) {
                continue;
            }
            listed.add(f.name());
            Path file = files.resolve(f.name());
            if (!Files.isRegularFile(file)) {
                problems.add(f.name() + ": missing");
                continue;
            }
            long size = Files.size(file);
            if (size != f.size()) {
                problems.add(f.name() + ": " + size + " bytes, the manifest says " + f.size());
                continue;
            }
            String sha256 = BackupLayout.sha256Hex(file);
            if (!sha256.equals(f.sha256())) {
                problems.add(f.name() + ": SHA-256 " + sha256 + " does not match the manifest's " + f.sha256());
            }
        }
        try (Stream<Path> present = Files.list(files)) {
            present.map(p -> p.getFileName().toString()).filter(name -> !listed.contains(name)).sorted()
                    .forEach(name -> problems.add(name + ": not listed in the manifest"));
        }
    }
}
