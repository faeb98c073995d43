package dev.coffer.cli;

import dev.coffer.client.CofferClient;
import dev.coffer.client.RestoreReport;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "restore-user",
        description = {"Puts every object of one user back as it was at a time within the cluster's version",
            "retention, in the live cluster: objects created since are deleted, changed or deleted ones get",
            "their bytes of then back, as new versions (so the restore itself can be undone). Other users are",
            "not touched. Runs as a series of bounded, logged steps; if it is interrupted, run it again:",
            "objects already as they were are left alone."})
final class RestoreUserCommand extends ClientCommand {
    @Mixin
    UserRef owner;

    @Option(names = "--as-of", paramLabel = "TIME", required = true,
            description = "The time to go back to, ISO-8601 in UTC, e.g. 2026-11-29T16:00:00Z.")
    String asOf;

    @Option(names = "--dry-run", description = "Count what would change; change nothing.")
    boolean dryRun;

    private Instant time;

    @Override
    void checkArguments() {
        try {
            time = Instant.parse(asOf);
        } catch (DateTimeParseException e) {
            throw usageError("--as-of must be an ISO-8601 time such as 2026-11-29T16:00:00Z, not '" + asOf + "'");
        }
    }

    @Override
    int run(CofferClient client) {
        RestoreReport report = client.restoreUser(owner.user, time, dryRun);
        out().printf("user %s as of %s%s%n", owner.user, time, dryRun ? " (dry run: nothing changed)" : "");
        out().printf("examined   %d%nrestored   %d%ndeleted    %d%nunchanged  %d%n",
                report.examined(), report.restored(), report.deleted(), report.unchanged());
        if (report.skipped() > 0) {
            out().printf("skipped    %d (existed then, but that version was not kept: left as they are)%n",
                    report.skipped());
        }
        out().printf("steps      %d%n", report.steps());
        return ExitCodes.OK;
    }

    @Override
    String subject() {
        return owner.describe();
    }
}
