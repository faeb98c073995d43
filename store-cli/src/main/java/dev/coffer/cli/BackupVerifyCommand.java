package dev.coffer.cli;

import dev.coffer.client.BackupCheck;
import dev.coffer.client.BackupTrial;
import java.time.Duration;
import picocli.CommandLine.Option;
import dev.coffer.client.BackupVerifier;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code coffer backup verify DIR}: checks a backup on disk; needs no cluster. */
@Command(name = "verify",
        description = {"Checks backups on disk; needs no cluster.",
            "Recomputes every file's size and SHA-256 and compares them with the backup's",
            "manifest.json, for DIR itself when it is one backup, else for every backup",
            "of the set in DIR. With --restore, the newest backup is then restored into a",
            "temporary directory and started as a one-node cluster, whose applied index, state",
            "digest, object count and values must match the backup; it is deleted afterwards.",
            "Exits with 1, saying what is wrong, when any check fails."})
final class BackupVerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "A backup set, or one backup (holding manifest.json).")
    Path dir;

    @Option(names = "--restore", description = "Also restore the newest backup and check what a node started on it serves.")
    boolean restore;

    @Option(names = "--restore-timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "How long the restored node may take to start, and each check (default: ${DEFAULT-VALUE}).")
    long restoreTimeoutSeconds;

    @Override
    public Integer call() throws IOException {
        PrintStream out = ((CofferCli) spec.root().userObject()).console().out();
        boolean intact = true;
        for (BackupCheck check : BackupVerifier.verifyAll(dir)) {
            if (check.intact()) {
                out.println("backup " + check.dir() + " is intact: " + BackupSummary.of(check.manifest().orElseThrow()));
            } else {
                intact = false;
                out.println("backup " + check.dir() + " is DAMAGED" + check.manifest()
                        .map(m -> " (" + BackupSummary.of(m) + ")").orElse("") + ":");
                check.problems().forEach(problem -> out.println("  " + problem));
            }
        }
        out.flush();
        if (intact && restore) {
            intact = restoreTrial(out);
        }
        return intact ? ExitCodes.OK : ExitCodes.ERROR;
    }

    private boolean restoreTrial(PrintStream out) throws IOException {
        out.println("restoring the newest backup into a temporary one-node cluster ...");
        out.flush();
        BackupTrial.Result trial = BackupTrial.run(dir, NodeCommand.find(),
                Duration.ofSeconds(Math.max(1, restoreTimeoutSeconds)));
        if (trial.passed()) {
            out.println("backup " + trial.backup() + " restores: a node started on it holds index "
                    + trial.manifest().index() + ", the backup's state digest and all " + trial.objectsChecked()
                    + " objects, each matching its CRC32C");
        } else {
            out.println("backup " + trial.backup() + " FAILED its restore check:");
            trial.problems().forEach(problem -> out.println("  " + problem));
        }
        out.flush();
        return trial.passed();
    }
}
