package dev.coffer.cli;

import dev.coffer.client.ReplicaDigest;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The digest a strict majority of the answering replicas share, if any. */
final class DigestVotes {
    private DigestVotes() {
    }

    static Optional<String> majority(Collection<Optional<ReplicaDigest>> answers) {
        Map<String, Integer> votes = new HashMap<>();
        answers.forEach(a -> a.ifPresent(d -> votes.merge(d.hex(), 1, Integer::sum)));
        return votes.entrySet().stream()
                .filter(e -> e.getValue() * 2 > answers.size())
                .map(Map.Entry::getKey)
                .findFirst();
    }
}
