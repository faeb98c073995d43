package dev.coffer.cli;

import dev.coffer.client.BackupManifest;
import dev.coffer.client.CofferClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code coffer backup --to DIR}, and {@code coffer backup verify DIR} as its subcommand. */
@Command(name = "backup",
        description = {"Backs the cluster up into a directory while it keeps serving.",
            "The leader takes a snapshot (its whole state at one applied log index); its",
            "files are copied, each checked against its SHA-256, and DIR/manifest.json",
            "describes them. Every write acknowledged with a version up to that index is",
            "in the backup, and no later one. --timeout bounds each request.",
            "Check a backup with 'coffer backup verify DIR'; restore it with",
            "'coffer restore --from DIR --dir NEWDIR'."},
        subcommands = {BackupVerifyCommand.class})
final class BackupCommand extends ClientCommand {

    @Option(names = "--to", paramLabel = "DIR", description = "A new or empty directory to write the backup into.")
    Path to;

    @Override
    void checkArguments() {
        if (to == null) {
            throw usageError("give --to DIR to back up into (or 'backup verify DIR' to check a backup)");
        }
        if (!BackupTargetDir.isAbsentOrEmpty(to)) {
            throw usageError(to + " is not empty: back up into a new or empty directory");
        }
    }

    @Override
    int run(CofferClient client) throws IOException {
        long start = System.nanoTime();
        BackupManifest m = client.backup(to, timeout());
        double seconds = (System.nanoTime() - start) / 1e9;
        out().printf(Locale.ROOT, "backed up index %d (term %d, node %s): %d objects, %d files, %s in %.1f s to %s%n",
                m.index(), m.term(), m.nodeId(), m.objectCount(), m.files().size(), StatusTable.bytes(m.totalBytes()),
                seconds, to);
        out().flush();
        return ExitCodes.OK;
    }

    @Override
    String subject() {
        return "backup to " + to;
    }
}
