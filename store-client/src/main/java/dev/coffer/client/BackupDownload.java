package dev.coffer.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Copies a backup from one node into a backup set (see {@link BackupSet}): begins it (the node
 * pins a snapshot), hard-links the files an earlier backup of the set already holds and reads the
 * others in chunks while checking their SHA-256, writes {@code manifest.json} last, and always
 * ends it so the node unpins the snapshot. The backup is written under a partial name and renamed
 * once whole; a failed one leaves nothing behind.
 */
final class BackupDownload {
    /** Also the most a node sends in one chunk. */
    static final int CHUNK_BYTES = 1 << 20;
    private static final DateTimeFormatter NAME_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
    /** The node hashes every file of the snapshot before it answers the begin request. */
    private static final Duration MIN_BEGIN_TIMEOUT = Duration.ofMinutes(10);

    private final CofferClient client;
    private final String endpoint;
    private final Duration timeout;

    BackupDownload(CofferClient client, String endpoint, Duration timeout) {
        this.client = client;
        this.endpoint = endpoint;
        this.timeout = timeout;
    }

    /** Writes the backup into the backup set in {@code dir} (see {@link BackupSet}). */
    BackupOutcome into(Path dir) throws IOException {
        Optional<String> unfit = BackupSet.unfitForNewBackup(dir);
        if (unfit.isPresent()) {
            throw new InvalidArgumentException(unfit.get());
        }
        Files.createDirectories(dir);
        BackupSet.deletePartial(dir);
        Map<String, Path> earlier = BackupSet.filesByContent(dir);
        Path partial = dir.resolve(BackupSet.PARTIAL_PREFIX + UUID.randomUUID());
        Path files = Files.createDirectories(BackupLayout.files(partial));
        boolean complete = false;
        try {
            BackupManifest manifest = client.beginBackup(endpoint, max(timeout, MIN_BEGIN_TIMEOUT));
            try {
                int linkedFiles = 0;
                long linkedBytes = 0;
                for (BackupFile file : manifest.files()) {
                    checkName(manifest.backupId(), file);
                    Path target = files.resolve(file.name());
                    if (link(earlier.get(BackupSet.contentKey(file)), target)) {
                        linkedFiles++;
                        linkedBytes += file.size();
                    } else {
                        download(manifest.backupId(), file, target);
                    }
                }
                BackupLayout.fsync(files);
                BackupLayout.writeAtomically(BackupLayout.manifest(partial), BackupManifestJson.write(manifest));
                Path done = dir.resolve(name(manifest));
                Files.move(partial, done, StandardCopyOption.ATOMIC_MOVE);
                BackupLayout.fsync(dir);
                complete = true;
                return new BackupOutcome(manifest, done, linkedFiles, linkedBytes,
                        manifest.files().size() - linkedFiles, manifest.totalBytes() - linkedBytes);
            } finally {
                end(manifest.backupId());
            }
        } finally {
            if (!complete) {
                BackupLayout.deleteTree(partial);
            }
        }
    }

    /** A backup's directory in its set: sorts by index, then creation time. */
    static String name(BackupManifest manifest) {
        return String.format(Locale.ROOT, "index-%012d-%s", manifest.index(),
                NAME_TIME.format(manifest.created()));
    }

    /** Hard-links an earlier backup's identical file; false when there is none or the file system refuses. */
    private static boolean link(Path existing, Path target) {
        if (existing == null) {
            return false;
        }
        try {
            Files.createLink(target, existing);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false; // copied from the node instead
        }
    }

    private void checkName(String backupId, BackupFile file) {
        if (!BackupLayout.isPlainFileName(file.name())) {
            throw new CofferException(ClientReasons.MALFORMED_RESPONSE, "backup " + backupId + " from " + endpoint
                    + " names a file '" + file.name() + "' that is not a plain file name");
        }
    }

    private void download(String backupId, BackupFile file, Path target) throws IOException {
        MessageDigest sha256 = BackupLayout.digest("SHA-256");
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long offset = 0;
            while (offset < file.size()) {
                int length = (int) Math.min(CHUNK_BYTES, file.size() - offset);
                byte[] data = client.readBackupChunk(endpoint, backupId, file.name(), offset, length, timeout);
                if (data.length == 0) {
                    throw new CofferException(ClientReasons.MALFORMED_RESPONSE, "file " + file.name() + " of backup "
                            + backupId + " ended at " + offset + " of its " + file.size() + " bytes");
                }
                sha256.update(data);
                ByteBuffer buffer = ByteBuffer.wrap(data);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                offset += data.length;
            }
            out.force(true);
        }
        String actual = HexFormat.of().formatHex(sha256.digest());
        if (!actual.equals(file.sha256())) {
            throw new CorruptDataException("file " + file.name() + " of backup " + backupId + " arrived from " + endpoint
                    + " with SHA-256 " + actual + ", not the " + file.sha256() + " its node computed");
        }
    }

    private void end(String backupId) {
        try {
            client.endBackup(endpoint, backupId, timeout);
        } catch (CofferException e) {
            // The node unpins a backup left idle for ten minutes anyway.
        }
    }

    static BackupManifest fromProto(dev.coffer.proto.BackupManifest m) {
        List<BackupFile> files = m.getFilesList().stream()
                .map(f -> new BackupFile(f.getName(), f.getSize(), HexFormat.of().formatHex(f.getSha256().toByteArray())))
                .toList();
        return new BackupManifest(m.getBackupId(), m.getClusterId(), m.getNodeId(), m.getTerm(), m.getIndex(),
                m.getObjectCount(), Instant.ofEpochMilli(m.getCreatedMillis()), files,
                HexFormat.of().formatHex(m.getStateSha256().toByteArray()));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
