package dev.coffer.client;

import java.time.Instant;
import java.util.Objects;

/**
 * Metadata of one stored object.
 *
 * @param key      the object's key
 * @param version  the log index of the object's last write; strictly increases with every write
 * @param size     the value's length in bytes
 * @param crc32c   CRC32C of the value
 * @param created  when the object was first written (the leader's clock)
 * @param modified when the object was last written (the leader's clock)
 */
public record ObjectInfo(String key, long version, long size, int crc32c, Instant created, Instant modified) {
    public ObjectInfo {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(modified, "modified");
    }
}
