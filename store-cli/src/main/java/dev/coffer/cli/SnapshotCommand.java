package dev.coffer.cli;

import dev.coffer.client.CofferClient;
import dev.coffer.client.CofferException;
import picocli.CommandLine.Command;

@Command(name = "snapshot", description = "Makes every node take a snapshot (a RocksDB checkpoint) now.")
final class SnapshotCommand extends ClientCommand {

    @Override
    int run(CofferClient client) {
        boolean all = true;
        for (String endpoint : endpoints()) {
            try {
                out().printf("%-21s snapshot at index %d%n", endpoint, client.snapshot(endpoint, timeout()));
            } catch (CofferException e) {
                all = false;
                out().printf("%-21s failed: %s%n", endpoint, e.getMessage());
            }
        }
        out().flush();
        return all ? ExitCodes.OK : ExitCodes.ERROR;
    }

    @Override
    String subject() {
        return null;
    }
}
