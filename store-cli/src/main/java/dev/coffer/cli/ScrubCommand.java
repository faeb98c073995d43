package dev.coffer.cli;

import dev.coffer.client.CofferClient;
import dev.coffer.client.CofferException;
import dev.coffer.client.ScrubReport;
import picocli.CommandLine.Command;

@Command(name = "scrub",
        description = {"Makes every node re-read every stored value and check it against its CRC32C.",
            "Exits with 1 if any object is corrupt or a node cannot answer; rebuild a corrupt replica",
            "with scripts/cluster.sh wipe ID, then start ID."})
final class ScrubCommand extends ClientCommand {

    @Override
    int run(CofferClient client) {
        boolean clean = true;
        for (String endpoint : endpoints()) {
            try {
                ScrubReport r = client.scrub(endpoint, timeout());
                clean &= r.corruptObjects() == 0;
                out().printf("%-4s %-21s checked %d, corrupt %d%s%n", r.nodeId(), endpoint, r.objectsChecked(),
                        r.corruptObjects(), r.corrupt().isEmpty() ? "" : ": " + String.join(", ", r.corrupt()));
            } catch (CofferException e) {
                clean = false;
                out().printf("     %-21s no answer: %s%n", endpoint, e.getMessage());
            }
        }
        out().flush();
        return clean ? ExitCodes.OK : ExitCodes.ERROR;
    }

    @Override
    String subject() {
        return null;
    }
}
