package dev.coffer.client;

/**
 * One file of a backup, as its manifest describes it.
 *
 * @param name   a plain file name (no directories), stored under the backup's {@code files/}
 * @param size   its length in bytes
 * @param sha256 its SHA-256, 64 lower-case hex digits
 */
public record BackupFile(String name, long size, String sha256) {
}
