package dev.coffer.client;

import java.time.Duration;
import java.util.Objects;

/**
 * The trivial checks the client makes before sending; the node validates everything in full.
 * Settings fail with {@link IllegalArgumentException}, request arguments with
 * {@link InvalidArgumentException} (so async calls report them through their future).
 */
final class Arguments {
    private Arguments() {
    }

    static Duration requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name + " must not be null");
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + duration);
        }
        return duration;
    }

    /** Versions are log indexes, so they start at 1; 0 means "no condition" on the wire. */
    static long requireVersion(long version) {
        if (version < 1) {
            throw new IllegalArgumentException("version must be at least 1 (versions are log indexes), got " + version);
        }
        return version;
    }

    static void requireUser(String user) {
        if (user == null || user.isEmpty()) {
            throw new InvalidArgumentException("user must not be null or empty");
        }
    }

    static void requireKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new InvalidArgumentException("key must not be null or empty");
        }
    }

    static void requireNonNull(Object value, String name) {
        if (value == null) {
            throw new InvalidArgumentException(name + " must not be null");
        }
    }
}
