package dev.coffer.client;

import java.util.Objects;
import java.util.Set;

/**
 * What one principal may do on the users whose id starts with {@code userPrefix} (empty: all).
 *
 * @param principal   the CN of the client's certificate
 * @param permissions read, write and/or admin (admin is cluster-wide)
 * @param userPrefix  the users covered; empty for all
 */
public record AccessGrant(String principal, Set<Permission> permissions, String userPrefix) {
    public AccessGrant {
        Objects.requireNonNull(principal, "principal");
        permissions = Set.copyOf(permissions);
        Objects.requireNonNull(userPrefix, "userPrefix");
    }

    /** What a principal may be granted. */
    public enum Permission {
        /** get, head, list, usage, versions */
        READ,
        /** put, delete, undelete */
        WRITE,
        /** membership, leader transfer, snapshot, backup, verify, scrub, restore-user, access changes */
        ADMIN
    }
}
