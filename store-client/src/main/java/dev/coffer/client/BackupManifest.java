package dev.coffer.client;

import java.time.Instant;
import java.util.List;

/**
 * What a backup holds: one node's snapshot of the cluster's whole state at one applied log index.
 * Written as {@code manifest.json} beside the backup's {@code files/} directory.
 *
 * @param backupId    the id the node gave the backup while it served it
 * @param clusterId   the cluster's Raft group id
 * @param nodeId      the node the files came from
 * @param term        the term of the last log entry the state contains
 * @param index       the index of that entry: every write acknowledged with a version at most this
 *                    is in the backup, and nothing later is
 * @param objectCount the objects stored at {@code index}
 * @param created     when the node pinned the snapshot
 * @param files       the snapshot's files (a RocksDB checkpoint)
 * @param stateSha256 SHA-256 (hex) of the whole state at {@code index}, as a node computes its
 *                    digest: a node restored from the backup answers the same; empty in backups
 *                    made before it was recorded
 */
public record BackupManifest(String backupId, String clusterId, String nodeId, long term, long index,
                             long objectCount, Instant created, List<BackupFile> files, String stateSha256) {
    /** The manifest format this client writes and reads. */
    public static final int FORMAT_VERSION = 1;

    public BackupManifest {
        files = List.copyOf(files);
    }

    public long totalBytes() {
        return files.stream().mapToLong(BackupFile::size).sum();
    }
}
