package dev.coffer.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Prepares the data directories of a new cluster from a backup, without any cluster running:
 * {@code NEWDIR/nI/data/} for each node, and a {@code RESTORED} marker that
 * {@code scripts/cluster.sh up --dir NEWDIR} recognises. Each data directory gets a
 * {@code RESTORE_FROM} file naming the (verified) backup; the node itself, when it starts,
 * installs the backup in its on-disk formats (Ratis's and the store's, which this library does not
 * know) and continues from it. The backup must stay where it is until every node has started once.
 */
public final class BackupRestore {
    /** The marker file in NEWDIR; it holds a summary of the restored backup. */
    public static final String MARKER = "RESTORED";
    public static final int MAX_NODES = 99;
    /** In a node's data directory: the backup the node installs when it starts (see the node's BackupInstall). */
    public static final String RESTORE_FROM = "RESTORE_FROM";

    private BackupRestore() {
    }

    /**
     * Verifies the backup in {@code backupDir} (or the newest of the backup set there), then writes
     * {@code nodes} node folders {@code n1..nN} into {@code newDir}, which must not exist or be
     * empty. Returns the manifest.
     */
    public static BackupManifest restore(Path backupDir, Path newDir, int nodes) throws IOException {
        if (nodes < 1 || nodes > MAX_NODES) {
            throw new InvalidArgumentException("a cluster has 1 to " + MAX_NODES + " nodes, not " + nodes);
        }
        if (!BackupLayout.isAbsentOrEmpty(newDir)) {
            throw new InvalidArgumentException(newDir + " is not empty: restore into a new or empty directory");
        }
        BackupCheck check = BackupVerifier.verify(backupDir);
        if (!check.intact()) {
            throw new InvalidArgumentException("backup " + check.dir() + " is not intact: " + String.join("; ",
                    check.problems()));
        }
        backupDir = check.dir(); // the newest backup, when given a backup set
        BackupManifest manifest = check.manifest().orElseThrow();
        String pointer = backupDir.toAbsolutePath().normalize() + "\n";
        boolean createdDir = !Files.exists(newDir);
        List<Path> nodeDirs = new ArrayList<>();
        boolean complete = false;
        try {
            for (int i = 1; i <= nodes; i++) {
                Path data = Files.createDirectories(newDir.resolve("n" + i).resolve("data"));
                nodeDirs.add(data.getParent());
                BackupLayout.writeAtomically(data.resolve(RESTORE_FROM), pointer);
            }
            BackupLayout.writeAtomically(newDir.resolve(MARKER), marker(backupDir, manifest, nodes));
            complete = true;
            return manifest;
        } finally {
            if (!complete) {
                for (Path node : nodeDirs) {
                    BackupLayout.deleteTree(node);
                }
                if (createdDir) {
                    BackupLayout.deleteTree(newDir);
                }
            }
        }
    }

    private static String marker(Path backupDir, BackupManifest m, int nodes) {
        return "# Written by coffer restore. These node folders hold a restored backup; start them as a new\n"
                + "# cluster with: scripts/cluster.sh up --dir <this directory>\n"
                + "nodes=" + nodes + "\n"
                + "backup=" + backupDir.toAbsolutePath().normalize() + "\n"
                + "cluster.id=" + m.clusterId() + "\n"
                + "source.node=" + m.nodeId() + "\n"
                + "term=" + m.term() + "\n"
                + "index=" + m.index() + "\n"
                + "objects=" + m.objectCount() + "\n"
                + "backup.created=" + m.created() + "\n"
                + "restored=" + Instant.now() + "\n";
    }
}
