package dev.coffer.cli;

import dev.coffer.client.BackupCheck;
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
            "of the set in DIR. Exits with 1, saying what is wrong, when any is damaged."})
final class BackupVerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "A backup set, or one backup (holding manifest.json).")
    Path dir;

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
        return intact ? ExitCodes.OK : ExitCodes.ERROR;
    }
}
