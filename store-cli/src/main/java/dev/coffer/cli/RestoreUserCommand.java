package dev.coffer.cli;

import dev.coffer.client.CofferClient;
import dev.coffer.client.RestoreReport;
import dev.coffer.client.UserRestoreFromBackup;
import java.io.IOException;
import java.nio.file.Path;
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
            "objects already as they were are left alone.",
            "With --from BACKUPS (a backup set, or one backup), for times older than the versions kept:",
            "the user is put back as the newest backup taken at or before TIME holds them (read by the",
            "node program, found as for 'backup verify --restore'), one write per object that differs."})
final class RestoreUserCommand extends ClientCommand {
    @Mixin
    UserRef owner;

    @Option(names = "--as-of", paramLabel = "TIME", required = true,
            description = "The time to go back to, ISO-8601 in UTC, e.g. 2026-11-29T16:00:00Z.")
    String asOf;

    @Option(names = "--from", paramLabel = "BACKUPS",
            description = "Restore from the newest backup in BACKUPS taken at or before --as-of, not from the versions kept.")
    Path from;

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
    int run(CofferClient client) throws IOException {
        RestoreReport report;
        if (from != null) {
            UserRestoreFromBackup.Outcome outcome = UserRestoreFromBackup.run(client, owner.user, from, time,
                    NodeCommand.find(), dryRun);
            out().printf("from backup %s (index %d, taken %s)%n", outcome.backup(), outcome.manifest().index(),
                    outcome.manifest().created());
            report = outcome.report();
        } else {
            report = client.restoreUser(owner.user, time, dryRun);
        }
        out().printf("user %s as of %s%s%n", owner.user, time, dryRun ? " (dry run: nothing changed)" : "");
        out().printf("examined   %d%nrestored   %d%ndeleted    %d%nunchanged  %d%n",
                report.examined(), report.restored(), report.deleted(), report.unchanged());
        if (report.skipped() > 0) {
            out().printf("skipped    %d (existed then, but that version was not kept: left as they are)%n",
                    report.skipped());
        }
        if (from == null) {
            out().printf("steps      %d%n", report.steps());
        }
        return ExitCodes.OK;
    }

    @Override
    String subject() {
        return owner.describe();
    }
}
