package dev.coffer.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private final RetryPolicy policy =
            RetryPolicy.exponentialBackoff(20, Duration.ofMillis(50), Duration.ofSeconds(1));

    @Test
    void backoff_doublesFromFirstUpToMax_randomisedDownToHalf() {
        assertBetween(25, 50, 1);
        assertBetween(50, 100, 2);
        assertBetween(100, 200, 3);
        assertBetween(400, 800, 5);
        assertBetween(500, 1000, 6);
        assertBetween(500, 1000, 19);
    }

    @Test
    void backoff_manyRetries_neverOverflows() {
        RetryPolicy huge = RetryPolicy.exponentialBackoff(1000, Duration.ofDays(1), Duration.ofDays(365));
        long max = Duration.ofDays(365).toNanos();

        assertTrue(huge.backoffNanos(999) <= max);
        assertTrue(huge.backoffNanos(999) >= max / 2);
    }

    @Test
    void noRetry_allowsOneAttempt() {
        assertEquals(1, RetryPolicy.noRetry().maxAttempts());
    }

    private void assertBetween(long lowMillis, long highMillis, int retry) {
        for (int i = 0; i < 200; i++) {
            long millis = TimeUnit.NANOSECONDS.toMillis(policy.backoffNanos(retry));
            assertTrue(millis >= lowMillis && millis <= highMillis,
                    "retry " + retry + ": " + millis + " ms not in [" + lowMillis + ", " + highMillis + "]");
        }
    }
}
