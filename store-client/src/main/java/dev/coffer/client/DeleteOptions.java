package dev.coffer.client;

import java.util.OptionalLong;

/** Conditions of a delete: none, or only if the current version matches. */
public final class DeleteOptions {
    private static final DeleteOptions NONE = new DeleteOptions(0);

    private final long expectedVersion;

    private DeleteOptions(long expectedVersion) {
        this.expectedVersion = expectedVersion;
    }

    /** Delete unconditionally. */
    public static DeleteOptions none() {
        return NONE;
    }

    /** Only delete the given version: fail with {@link VersionConflictException} otherwise. */
    public static DeleteOptions ifVersion(long version) {
        return new DeleteOptions(Arguments.requireVersion(version));
    }

    /** The version the object must have, when this delete is conditional on one. */
    public OptionalLong expectedVersion() {
        return expectedVersion == 0 ? OptionalLong.empty() : OptionalLong.of(expectedVersion);
    }

    long ifVersionOrZero() {
        return expectedVersion;
    }

    @Override
    public String toString() {
        return expectedVersion == 0 ? "DeleteOptions[none]" : "DeleteOptions[ifVersion=" + expectedVersion + "]";
    }
}
