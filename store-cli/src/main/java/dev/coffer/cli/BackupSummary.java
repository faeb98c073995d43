package dev.coffer.cli;

import dev.coffer.client.BackupManifest;

/** A backup's manifest in one line, as {@code backup verify} and {@code restore} print it. */
final class BackupSummary {
    private BackupSummary() {
    }

    static String of(BackupManifest m) {
        return "cluster " + m.clusterId() + ", index " + m.index() + " (term " + m.term() + ", node " + m.nodeId()
                + "), " + m.objectCount() + " objects, " + m.files().size() + " files, "
                + StatusTable.bytes(m.totalBytes()) + ", taken " + m.created();
    }
}
