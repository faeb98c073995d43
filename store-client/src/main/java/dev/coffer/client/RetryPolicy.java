package dev.coffer.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often, and how far apart, the client tries an operation again after a node was
 * unavailable, unreachable or too slow. Retries also stop when the operation timeout runs out.
 */
public final class RetryPolicy {
    private final int maxAttempts;
    private final Duration firstBackoff;
    private final Duration maxBackoff;

    private RetryPolicy(int maxAttempts, Duration firstBackoff, Duration maxBackoff) {
        this.maxAttempts = maxAttempts;
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
    }

    /**
     * Up to {@code maxAttempts} attempts in all; the pause before the n-th retry is
     * {@code firstBackoff * 2^(n-1)}, capped at {@code maxBackoff}, each randomised down to half
     * so that many clients do not retry in step.
     */
    public static RetryPolicy exponentialBackoff(int maxAttempts, Duration firstBackoff, Duration maxBackoff) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        Arguments.requirePositive(firstBackoff, "firstBackoff");
        Arguments.requirePositive(maxBackoff, "maxBackoff");
        if (maxBackoff.compareTo(firstBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff (" + maxBackoff + ") must not be shorter than firstBackoff ("
                    + firstBackoff + ")");
        }
        return new RetryPolicy(maxAttempts, firstBackoff, maxBackoff);
    }

    /** One attempt, no retry. */
    public static RetryPolicy noRetry() {
        return new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1));
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration firstBackoff() {
        return firstBackoff;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** The pause before retry number {@code retry} (1 = the first retry), in nanoseconds. */
    long backoffNanos(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry counts from 1, got " + retry);
        }
        long first = firstBackoff.toNanos();
        long max = maxBackoff.toNanos();
        int doublings = Math.min(retry - 1, 62);
        long ceiling = first > (max >> doublings) ? max : Math.min(max, first << doublings);
        long floor = ceiling / 2;
        return floor + ThreadLocalRandom.current().nextLong(ceiling - floor + 1);
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxAttempts=" + maxAttempts + ", firstBackoff=" + firstBackoff + ", maxBackoff="
                + maxBackoff + "]";
    }
}
