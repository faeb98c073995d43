package dev.coffer.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Proves a backup restores: restores it into a temporary directory, starts a one-node cluster on
 * it (a real node process, on loopback), and checks what that node serves against the manifest:
 * its applied index, a digest of its whole state, and every object's value against its CRC32C.
 * The node is stopped and the directory deleted afterwards, whatever happened. A backup is
 * trusted only once this has passed (`coffer backup verify --restore`).
 */
public final class BackupTrial {
    private BackupTrial() {
    }

    /** What the trial found; {@code problems} is empty when the backup restored exactly. */
    public record Result(Path backup, BackupManifest manifest, long objectsChecked, List<String> problems) {
        public Result {
            problems = List.copyOf(problems);
        }

        public boolean passed() {
            return problems.isEmpty();
        }
    }

    /**
     * Runs the trial on the backup {@code backupDir} means (it, or the newest of a backup set).
     * {@code nodeCommand} starts a node given {@code --config FILE} after it (e.g. {@code java -jar
     * coffer-node.jar}); {@code timeout} bounds the start and each check.
     */
    public static Result run(Path backupDir, List<String> nodeCommand, Duration timeout) throws IOException {
        BackupCheck check = BackupVerifier.verify(backupDir);
        if (!check.intact()) {
            return new Result(check.dir(), check.manifest().orElse(null), 0, check.problems());
        }
        BackupManifest manifest = check.manifest().orElseThrow();
        Path scratch = Files.createTempDirectory("coffer-restore-trial");
        Process node = null;
        try {
            BackupRestore.restore(check.dir(), scratch.resolve("cluster"), 1);
            String clientAddress = "127.0.0.1:" + freePort();
            Path config = writeConfig(scratch, clientAddress, "127.0.0.1:" + freePort());
            List<String> command = new ArrayList<>(nodeCommand);
            command.addAll(List.of("--config", config.toString()));
            node = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(scratch.resolve("node.log").toFile()).start();
            try (CofferClient client = CofferClient.builder().endpoints(clientAddress)
                    .connectTimeout(Duration.ofSeconds(1)).requestTimeout(timeout).operationTimeout(timeout).build()) {
                List<String> problems = new ArrayList<>();
                if (!awaitLeader(client, clientAddress, node, timeout)) {
                    problems.add("the restored node did not start serving within " + timeout.toSeconds()
                            + " s; its log ends with:\n" + tail(scratch.resolve("node.log")));
                    return new Result(check.dir(), manifest, 0, problems);
                }
                ReplicaDigest digest = client.digest(clientAddress, 0, timeout);
                if (digest.index() != manifest.index()) {
                    problems.add("the restored node holds index " + digest.index() + ", the backup " + manifest.index());
                }
                if (manifest.stateSha256().isEmpty()) {
                    problems.add("the manifest records no state digest (a backup made before Coffer recorded one):"
                            + " the restored state cannot be compared");
                } else if (!manifest.stateSha256().equals(HexFormat.of().formatHex(digest.sha256()))) {
                    problems.add("the restored state's digest " + HexFormat.of().formatHex(digest.sha256())
                            + " differs from the backup's " + manifest.stateSha256());
                }
                ScrubReport scrub = client.scrub(clientAddress, timeout);
                if (scrub.objectsChecked() != manifest.objectCount()) {
                    problems.add("the restored node holds " + scrub.objectsChecked() + " objects, the backup "
                            + manifest.objectCount());
                }
                if (scrub.corruptObjects() > 0) {
                    problems.add(scrub.corruptObjects() + " restored objects do not match their CRC32C: "
                            + scrub.corrupt());
                }
                return new Result(check.dir(), manifest, scrub.objectsChecked(), problems);
            }
        } finally {
            if (node != null) {
                stop(node);
            }
            BackupLayout.deleteTree(scratch);
        }
    }

    private static Path writeConfig(Path scratch, String clientAddress, String raftAddress) throws IOException {
        Path dataDir = scratch.resolve("cluster").resolve("n1").resolve("data");
        Path config = scratch.resolve("node.properties");
        Files.writeString(config, String.join("\n",
                "node.id=n1",
                "data.dir=" + dataDir.toAbsolutePath(),
                "client.address=" + clientAddress,
                "raft.address=" + raftAddress,
                "peer.n1=" + raftAddress + "," + clientAddress,
                "snapshot.on.stop=false",
                ""), StandardCharsets.UTF_8);
        return config;
    }

    private static boolean awaitLeader(CofferClient client, String address, Process node, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && node.isAlive()) {
            try {
                if ("LEADER".equals(client.status(address).role())) {
                    return true;
                }
            } catch (CofferException e) {
                // not serving yet
            }
            sleep(200);
        }
        return false;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** A clean stop first: the node's JVM then deletes the native library RocksDB unpacked into its temp dir. */
    private static void stop(Process node) {
        try {
            node.destroy();
            if (!node.waitFor(30, TimeUnit.SECONDS)) {
                node.destroyForcibly();
                node.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            node.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException(ClientReasons.INTERRUPTED, "restore trial interrupted", false);
        }
    }
}
