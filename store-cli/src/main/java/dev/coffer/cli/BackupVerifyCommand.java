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
        description = {"Checks a backup on disk; needs no cluster.",
            "Recomputes every file's size and SHA-256 and compares them with",
            "DIR/manifest.json. Exits with 1, saying what is wrong, otherwise."})
final class BackupVerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The backup directory (holding manifest.json).")
    Path dir;

    @Override
    public Integer call() throws IOException {
        BackupCheck check = BackupVerifier.verify(dir);
        PrintStream out = ((CofferCli) spec.root().userObject()).console().out();
        if (check.intact()) {
            out.println("backup " + dir + " is intact: " + BackupSummary.of(check.manifest().orElseThrow()));
        } else {
            out.println("backup " + dir + " is DAMAGED" + check.manifest().map(m -> " (" + BackupSummary.of(m) + ")")
                    .orElse("") + ":");
            check.problems().forEach(problem -> out.println("  " + problem));
        }
        out.flush();
        return check.intact() ? ExitCodes.OK : ExitCodes.ERROR;
    }
}
