package dev.coffer.client;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What {@link BackupVerifier} found in a backup directory.
 *
 * @param dir      the backup directory
 * @param manifest its manifest, when one could be read
 * @param problems what is wrong, one sentence each; empty when the backup is intact
 */
public record BackupCheck(Path dir, Optional<BackupManifest> manifest, List<String> problems) {
    public BackupCheck {
        problems = List.copyOf(problems);
    }

    public boolean intact() {
        return problems.isEmpty();
    }
}
