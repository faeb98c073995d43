package dev.coffer.cli;

import dev.coffer.client.CofferClient;
import dev.coffer.client.CofferException;
import dev.coffer.client.ReplicaDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;

@Command(name = "verify",
        description = {"Checks that every replica holds the same data: the leader writes a digest marker into the",
            "log, each replica digests its whole state at that index, and the digests are compared.",
            "Exits with 1 if any replica disagrees or cannot answer."})
final class VerifyCommand extends ClientCommand {

    @Override
    int run(CofferClient client) {
        long index = client.markDigest();
        Map<String, Optional<ReplicaDigest>> answers = new LinkedHashMap<>();
        Map<String, String> failures = new LinkedHashMap<>();
        for (String endpoint : endpoints()) {
            try {
                answers.put(endpoint, Optional.of(client.digest(endpoint, index, timeout())));
            } catch (CofferException e) {
                answers.put(endpoint, Optional.empty());
                failures.put(endpoint, e.getMessage());
            }
        }
        Optional<String> reference = DigestVotes.majority(answers.values());
        out().println("digests at log index " + index + ":");
        boolean allAgree = true;
        for (Map.Entry<String, Optional<ReplicaDigest>> e : answers.entrySet()) {
            if (e.getValue().isEmpty()) {
                allAgree = false;
                out().printf("  %-21s unknown   %s%n", e.getKey(), failures.get(e.getKey()));
                continue;
            }
            ReplicaDigest d = e.getValue().get();
            boolean agrees = reference.isPresent() && reference.get().equals(d.hex());
            allAgree &= agrees;
            out().printf("  %-4s %-16s %-9s %s%n", d.nodeId(), e.getKey(), agrees ? "agree" : "DISAGREE",
                    d.hex().substring(0, 16));
        }
        out().println(allAgree ? "all replicas agree" : "replicas DISAGREE: rebuild the odd one out "
                + "(scripts/cluster.sh wipe ID, then start ID)");
        out().flush();
        return allAgree ? ExitCodes.OK : ExitCodes.ERROR;
    }

    @Override
    String subject() {
        return null;
    }
}
