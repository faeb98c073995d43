package dev.coffer.client;

/**
 * What one user stores.
 *
 * @param bytes        the total size of the user's current values
 * @param objects      the number of the user's objects
 * @param versionBytes the total size of the earlier versions kept (see {@link CofferClient#versions})
 * @param versions     the number of earlier versions and delete markers kept
 */
public record Usage(long bytes, long objects, long versionBytes, long versions) {
    /** Usage with no versions kept. */
    public Usage(long bytes, long objects) {
        this(bytes, objects, 0, 0);
    }
}
