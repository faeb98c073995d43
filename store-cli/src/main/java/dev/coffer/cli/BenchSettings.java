package dev.coffer.cli;

import java.time.Duration;

/**
 * One {@code coffer bench} run as configured, checked by {@link BenchCommand}.
 *
 * @param rate        target operations per second (open loop), or 0 for a closed loop
 * @param readRatio   the share of operations that read, in [0, 1]
 * @param maxOps      the most operations to issue, warm-up included
 */
record BenchSettings(BenchWorkload workload, KeyChooser.Distribution distribution, int valueSize, int inFlight,
                     int connections, int users, int keysPerUser, Duration duration, Duration warmup, double rate,
                     boolean staleReads, boolean preload, double readRatio, long maxOps) {

    /** The number of distinct keys: users × keys per user. */
    long keySpace() {
        return (long) users * keysPerUser;
    }

    boolean openLoop() {
        return rate > 0;
    }

    /** The user that owns key index {@code key}: {@code bench-<u>}. */
    String userOf(long key) {
        return "bench-" + key / keysPerUser;
    }

    /** The name of key index {@code key} within its user: {@code item-<i>}. */
    String keyOf(long key) {
        return "item-" + key % keysPerUser;
    }
}
