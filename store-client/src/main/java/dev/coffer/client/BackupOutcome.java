package dev.coffer.client;

import java.nio.file.Path;

/**
 * What one backup into a backup set wrote.
 *
 * @param manifest    the backup
 * @param dir         its directory in the set
 * @param linkedFiles files shared with earlier backups of the set, hard-linked rather than copied
 * @param linkedBytes their bytes
 * @param copiedFiles files copied from the node
 * @param copiedBytes their bytes
 */
public record BackupOutcome(BackupManifest manifest, Path dir, int linkedFiles, long linkedBytes, int copiedFiles,
                            long copiedBytes) {
}
