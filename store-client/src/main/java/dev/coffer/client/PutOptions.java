package dev.coffer.client;

import java.util.OptionalLong;

/** Conditions of a put: none (overwrite), only if absent, or only if the current version matches. */
public final class PutOptions {
    private static final PutOptions NONE = new PutOptions(false, 0);
    private static final PutOptions IF_ABSENT = new PutOptions(true, 0);

    private final boolean onlyIfAbsent;
    private final long expectedVersion;

    private PutOptions(boolean onlyIfAbsent, long expectedVersion) {
        this.onlyIfAbsent = onlyIfAbsent;
        this.expectedVersion = expectedVersion;
    }

    /** Write unconditionally, creating or overwriting. */
    public static PutOptions none() {
        return NONE;
    }

    /** Only create: fail with {@link VersionConflictException} when the key exists. */
    public static PutOptions ifAbsent() {
        return IF_ABSENT;
    }

    /** Only overwrite the given version: fail with {@link VersionConflictException} otherwise. */
    public static PutOptions ifVersion(long version) {
        return new PutOptions(false, Arguments.requireVersion(version));
    }

    public boolean onlyIfAbsent() {
        return onlyIfAbsent;
    }

    /** The version the object must have, when this put is conditional on one. */
    public OptionalLong expectedVersion() {
        return expectedVersion == 0 ? OptionalLong.empty() : OptionalLong.of(expectedVersion);
    }

    /** The protocol's encoding: 0 = no condition. */
    long ifVersionOrZero() {
        return expectedVersion;
    }

    @Override
    public String toString() {
        if (onlyIfAbsent) {
            return "PutOptions[ifAbsent]";
        }
        return expectedVersion == 0 ? "PutOptions[none]" : "PutOptions[ifVersion=" + expectedVersion + "]";
    }
}
