package dev.coffer.cli;

import dev.coffer.client.BackupManifest;
import dev.coffer.client.BackupOutcome;
import dev.coffer.client.BackupSet;
import dev.coffer.client.CofferClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code coffer backup --to DIR}, and {@code coffer backup verify DIR} as its subcommand. */
@Command(name = "backup",
        description = {"Backs the cluster up into a backup set while it keeps serving.",
            "The leader takes a snapshot (its whole state at one applied log index); its",
            "files are copied, each checked against its SHA-256, into a new subdirectory of",
            "DIR whose manifest.json describes them. Files an earlier backup in DIR already",
            "holds are hard-linked, not copied again. Every write acknowledged with a version",
            "up to that index is in the backup, and no later one. --timeout bounds each request.",
            "Check backups with 'coffer backup verify DIR'; restore the newest with",
            "'coffer restore --from DIR --dir NEWDIR'."},
        subcommands = {BackupVerifyCommand.class})
final class BackupCommand extends ClientCommand {

    @Option(names = "--to", paramLabel = "DIR",
            description = "The backup set: a new or empty directory, or one holding earlier backups.")
    Path to;

    @Option(names = "--keep", paramLabel = "N",
            description = "After the backup, delete all but the newest N backups in DIR (never a file a kept one uses).")
    Integer keep;

    @Override
    void checkArguments() {
        if (to == null) {
            throw usageError("give --to DIR to back up into (or 'backup verify DIR' to check a backup)");
        }
        if (keep != null && keep < 1) {
            throw usageError("--keep must be at least 1, not " + keep);
        }
    }

    @Override
    int run(CofferClient client) throws IOException {
        long start = System.nanoTime();
        BackupOutcome outcome = client.backupInto(to, timeout());
        double seconds = (System.nanoTime() - start) / 1e9;
        BackupManifest m = outcome.manifest();
        out().printf(Locale.ROOT, "backed up index %d (term %d, node %s): %d objects, %d files, %s in %.1f s to %s%n",
                m.index(), m.term(), m.nodeId(), m.objectCount(), m.files().size(), StatusTable.bytes(m.totalBytes()),
                seconds, outcome.dir());
        out().printf(Locale.ROOT, "copied %d files (%s), linked %d unchanged files (%s) from earlier backups%n",
                outcome.copiedFiles(), StatusTable.bytes(outcome.copiedBytes()), outcome.linkedFiles(),
                StatusTable.bytes(outcome.linkedBytes()));
        if (keep != null) {
            for (Path pruned : BackupSet.prune(to, keep)) {
                out().println("deleted older backup " + pruned);
            }
        }
        out().flush();
        return ExitCodes.OK;
    }

    @Override
    String subject() {
        return "backup to " + to;
    }
}
