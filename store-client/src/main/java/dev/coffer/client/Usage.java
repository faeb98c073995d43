package dev.coffer.client;

/**
 * What one user stores.
 *
 * @param bytes   the total size of the user's values
 * @param objects the number of the user's objects
 */
public record Usage(long bytes, long objects) {
}
