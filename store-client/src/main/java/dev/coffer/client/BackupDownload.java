package dev.coffer.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * Copies a backup from one node into a directory: begins it (the node pins a snapshot), reads
 * every file in chunks while checking its SHA-256, writes {@code manifest.json} last, and always
 * ends it so the node unpins the snapshot. A failed download leaves nothing behind.
 */
final class BackupDownload {
    /** Also the most a node sends in one chunk. */
    static final int CHUNK_BYTES = 1 << 20;
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

    BackupManifest into(Path dir) throws IOException {
        if (!BackupLayout.isAbsentOrEmpty(dir)) {
            throw new InvalidArgumentException("backup directory " + dir + " is not empty: give a new or empty one");
        }
        boolean createdDir = !Files.exists(dir);
        Path files = Files.createDirectories(BackupLayout.files(dir));
        boolean complete = false;
        try {
            BackupManifest manifest = client.beginBackup(endpoint, max(timeout, MIN_BEGIN_TIMEOUT));
            try {
                for (BackupFile file : manifest.files()) {
                    download(manifest.backupId(), file, files);
                }
                BackupLayout.fsync(files);
                BackupLayout.writeAtomically(BackupLayout.manifest(dir), BackupManifestJson.write(manifest));
                complete = true;
                return manifest;
            } finally {
                end(manifest.backupId());
            }
        } finally {
            if (!complete) {
                BackupLayout.deleteTree(files);
                if (createdDir) {
                    BackupLayout.deleteTree(dir);
                }
            }
        }
    }

    private void download(String backupId, BackupFile file, Path files) throws IOException {
        if (!BackupLayout.isPlainFileName(file.name())) {
            throw new CofferException(ClientReasons.MALFORMED_RESPONSE, "backup " + backupId + " from " + endpoint
                    + " names a file '" + file.name() + "' that is not a plain file name");
        }
        MessageDigest sha256 = BackupLayout.digest("SHA-256");
        Path target = files.resolve(file.name());
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
                m.getObjectCount(), Instant.ofEpochMilli(m.getCreatedMillis()), files);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
