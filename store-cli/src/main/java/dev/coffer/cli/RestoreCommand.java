package dev.coffer.cli;

import dev.coffer.client.BackupCheck;
import dev.coffer.client.BackupManifest;
import dev.coffer.client.BackupRestore;
import dev.coffer.client.BackupVerifier;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code coffer restore --from DIR --dir NEWDIR}: a backup becomes a new cluster's data; needs no cluster. */
@Command(name = "restore",
        description = {"Makes a new cluster's data directories from a backup; needs no cluster.",
            "Verifies the backup first, then writes NEWDIR/n1 .. NEWDIR/nN, each node",
            "starting from the backup's snapshot, and a RESTORED marker. Start the new",
            "cluster with: scripts/cluster.sh up --dir NEWDIR"})
final class RestoreCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "DIR",
            description = "A backup, or a backup set (its newest backup is restored).")
    Path from;

    @Option(names = "--dir", required = true, paramLabel = "NEWDIR",
            description = "A new or empty directory for the new cluster's nodes.")
    Path dir;

    @Option(names = "--nodes", paramLabel = "N", defaultValue = "3",
            description = "How many nodes the new cluster has (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Override
    public Integer call() throws IOException {
        if (nodes < 1 || nodes > BackupRestore.MAX_NODES) {
            throw new ParameterException(spec.commandLine(), "--nodes must be 1 to " + BackupRestore.MAX_NODES
                    + ", not " + nodes);
        }
        if (!BackupTargetDir.isAbsentOrEmpty(dir)) {
            throw new ParameterException(spec.commandLine(), dir + " is not empty: restore into a new or empty directory");
        }
        PrintStream out = ((CofferCli) spec.root().userObject()).console().out();
        BackupCheck check = BackupVerifier.verify(from);
        if (!check.intact()) {
            out.println("backup " + check.dir() + " is DAMAGED; nothing was restored:");
            check.problems().forEach(problem -> out.println("  " + problem));
            out.flush();
            return ExitCodes.ERROR;
        }
        long start = System.nanoTime();
        BackupManifest m = BackupRestore.restore(from, dir, nodes);
        out.printf(Locale.ROOT, "restored %s into %d nodes in %s (%.1f s)%n",
                BackupSummary.of(m), nodes, dir, (System.nanoTime() - start) / 1e9);
        out.println("start the new cluster with: scripts/cluster.sh up --dir " + dir);
        out.flush();
        return ExitCodes.OK;
    }
}
