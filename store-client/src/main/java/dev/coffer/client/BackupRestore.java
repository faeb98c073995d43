package dev.coffer.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;

/**
 * Turns a backup into the data directories of a new cluster, without any cluster running:
 * {@code NEWDIR/nI/data/} for each node, and a {@code RESTORED} marker that
 * {@code scripts/cluster.sh up --dir NEWDIR} recognises. Each node then starts from the backup's
 * snapshot, so the new cluster holds exactly the backed-up state and continues from its index.
 *
 * <p>What a node finds in {@code nI/data/} (the layout the node and Ratis use):
 * <ul>
 *   <li>{@code snapshots/snapshot.TERM_INDEX/}: the backup's files with an MD5 beside each, as the
 *       node's own snapshots are. The node restores its RocksDB from it when it starts.</li>
 *   <li>{@code raft/CLUSTER_ID/current/raft-meta}: Ratis's term record, set to the backup's term,
 *       with no vote cast. So the node starts like one whose log was purged up to that snapshot:
 *       its first election is for a later term and its log continues at index + 1. (An empty Raft
 *       directory would make Ratis start at term 0: Ratis treats a snapshot of term 0 as an empty
 *       log and never elects a leader, and one of any other term lower than the backup's would
 *       make the applied term go backwards, which Ratis refuses.)</li>
 * </ul>
 */
public final class BackupRestore {
    /** The marker file in NEWDIR; it holds a summary of the restored backup. */
    public static final String MARKER = "RESTORED";
    public static final int MAX_NODES = 99;

    private BackupRestore() {
    }

    /**
     * Verifies the backup in {@code backupDir} (or the newest of the backup set there), then writes {@code nodes} node folders
     * {@code n1..nN} into {@code newDir}, which must not exist or be empty. Returns the manifest.
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
        boolean createdDir = !Files.exists(newDir);
        List<Path> nodeDirs = new ArrayList<>();
        boolean complete = false;
        try {
            for (int i = 1; i <= nodes; i++) {
                nodeDirs.add(Files.createDirectories(newDir.resolve("n" + i)));
            }
            List<Path> snapshotDirs = new ArrayList<>();
            for (Path node : nodeDirs) {
                Path data = node.resolve("data");
                snapshotDirs.add(Files.createDirectories(data.resolve("snapshots")
                        .resolve("snapshot." + manifest.term() + "_" + manifest.index())));
                writeRaftTerm(data.resolve("raft").resolve(manifest.clusterId()).resolve("current"), manifest.term());
            }
            for (BackupFile file : manifest.files()) {
                copyToAll(BackupLayout.files(backupDir).resolve(file.name()), file, snapshotDirs);
            }
            for (Path dir : snapshotDirs) {
                BackupLayout.fsync(dir);
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

    /**
     * Copies one backup file into every node's snapshot directory in one read, re-checking its
     * SHA-256 on the way (it was verified, but could change before it is read again) and writing
     * the MD5 file the node checks before it uses the snapshot.
     */
    private static void copyToAll(Path source, BackupFile file, List<Path> snapshotDirs) throws IOException {
        MessageDigest sha256 = BackupLayout.digest("SHA-256");
        MessageDigest md5 = BackupLayout.digest("MD5");
        List<FileChannel> targets = new ArrayList<>();
        try (InputStream in = Files.newInputStream(source)) {
            for (Path dir : snapshotDirs) {
                targets.add(FileChannel.open(dir.resolve(file.name()), StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE));
            }
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha256.update(buffer, 0, n);
                md5.update(buffer, 0, n);
                for (FileChannel target : targets) {
                    ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                    while (chunk.hasRemaining()) {
                        target.write(chunk);
                    }
                }
            }
            for (FileChannel target : targets) {
                target.force(true);
            }
        } finally {
            for (FileChannel target : targets) {
                target.close();
            }
        }
        String actual = HexFormat.of().formatHex(sha256.digest());
        if (!actual.equals(file.sha256())) {
            throw new CorruptDataException(source + " changed while it was restored: SHA-256 " + actual
                    + " instead of " + file.sha256());
        }
        // The format Ratis's MD5FileUtil writes and reads: "<md5 hex> *<file name>".
        String md5Line = HexFormat.of().formatHex(md5.digest()) + " *" + file.name() + "\n";
        for (Path dir : snapshotDirs) {
            Path md5File = dir.resolve(file.name() + ".md5");
            Files.writeString(md5File, md5Line, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            BackupLayout.fsync(md5File);
        }
    }

    /** Ratis's {@code raft-meta}: a properties file with the current term and the vote cast in it. */
    private static void writeRaftTerm(Path ratisCurrentDir, long term) throws IOException {
        Files.createDirectories(ratisCurrentDir);
        Properties meta = new Properties();
        meta.setProperty("term", Long.toString(term));
        meta.setProperty("votedFor", "");
        StringWriter text = new StringWriter();
        meta.store(text, "written by coffer restore: the new cluster's terms continue after the backup's");
        BackupLayout.writeAtomically(ratisCurrentDir.resolve("raft-meta"), text.toString());
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
