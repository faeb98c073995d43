package dev.coffer.client;

import java.time.Instant;
import java.util.Objects;

/**
 * One version of an object: the current one, an earlier one kept for the cluster's retention,
 * or a delete.
 *
 * @param info    its metadata; for a delete, the version and time of the delete and size 0
 * @param deleted whether this version is a delete (there is no value to read)
 * @param current whether this is the object as it is now
 * @param expires when a kept version is forgotten; null for the current one
 */
public record ObjectVersion(ObjectInfo info, boolean deleted, boolean current, Instant expires) {
    public ObjectVersion {
        Objects.requireNonNull(info, "info");
    }
}
