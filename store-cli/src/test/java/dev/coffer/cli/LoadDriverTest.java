package dev.coffer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The load driver's timing, on a clock the test moves: no sleeping, no cluster. */
class LoadDriverTest {
    private static final long MS = 1_000_000L;
    private static final long START = 1_000 * MS;

    /** A clock that only moves when told to, or when the driver sleeps until a later time. */
    private static final class ManualClock implements BenchClock {
        long now = START;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleepUntil(long deadlineNanos) {
            now = Math.max(now, deadlineNanos);
        }
    }

    /** One finished operation as the sink saw it. */
    private record Timed(long fromNanos, long doneNanos) {
        long latencyMillis() {
            return (doneNanos - fromNanos) / MS;
        }
    }

    private final ManualClock clock = new ManualClock();
    private final List<Timed> finished = new ArrayList<>();
    private final LoadDriver.Sink sink = (from, done, bytes, failure) -> finished.add(new Timed(from, done));

    /** The first operation takes 5 ms; the others finish at once. */
    private CompletableFuture<Long> firstIsSlow(long index) {
        if (index == 0) {
            clock.now += 5 * MS;
        }
        return CompletableFuture.completedFuture(0L);
    }

    @Test
    void openLoop_delayedSend_isChargedFromItsIntendedTime() throws InterruptedException {
        LoadDriver driver = new LoadDriver(clock, 1, 1000);   // one due every 1 ms

        LoadDriver.Outcome outcome = driver.run(this::firstIsSlow, START, START + 10 * MS, 3, Duration.ofSeconds(1), sink);

        assertEquals(3, outcome.issued());
        // Operation 1 was due at 1 ms but could only be sent at 5 ms, when operation 0 was done:
        // it is charged those 4 ms although it took no time itself. Operation 2, due at 2 ms, 3 ms.
        assertEquals(List.of(new Timed(START, START + 5 * MS), new Timed(START + MS, START + 5 * MS),
                new Timed(START + 2 * MS, START + 5 * MS)), finished);
        assertEquals(List.of(5L, 4L, 3L), finished.stream().map(Timed::latencyMillis).toList());
    }

    @Test
    void closedLoop_sameStall_isChargedFromTheSendOnly() throws InterruptedException {
        LoadDriver driver = new LoadDriver(clock, 1, 0);

        driver.run(this::firstIsSlow, START, START + 10 * MS, 3, Duration.ofSeconds(1), sink);

        assertEquals(List.of(5L, 0L, 0L), finished.stream().map(Timed::latencyMillis).toList());
    }

    @Test
    void openLoop_intendedTimes_followTheRate() {
        LoadDriver driver = new LoadDriver(clock, 1, 400);   // every 2.5 ms

        assertEquals(START, driver.intendedTime(START, 0));
        assertEquals(START + 2_500_000, driver.intendedTime(START, 1));
        assertEquals(START + 1_000 * MS, driver.intendedTime(START, 400));
    }

    @Test
    void openLoop_stopsAtTheDeadlineAndCountsWhatWasDueButNotSent() throws InterruptedException {
        LoadDriver driver = new LoadDriver(clock, 1, 1000);
        CompletableFuture<Long> stuck = new CompletableFuture<>();

        // The only permit is held by operation 0, which never finishes; 10 were due in 10 ms.
        LoadDriver.Outcome outcome = driver.run(index -> stuck, START, START + 10 * MS, 1_000,
                Duration.ofMillis(20), sink);

        assertEquals(1, outcome.issued());
        assertEquals(9, outcome.unsent());
        assertEquals(1, outcome.abandoned());
        assertTrue(finished.isEmpty());
    }

    @Test
    void run_maxOps_boundsTheCount() throws InterruptedException {
        LoadDriver driver = new LoadDriver(clock, 4, 0);

        LoadDriver.Outcome outcome = driver.run(index -> CompletableFuture.completedFuture(1L), START,
                START + 1_000 * MS, 7, Duration.ofSeconds(1), sink);

        assertEquals(7, outcome.issued());
        assertEquals(7, finished.size());
        assertEquals(0, outcome.unsent());
    }

    @Test
    void run_operationThatThrows_isRecordedAsAFailure() throws InterruptedException {
        LoadDriver driver = new LoadDriver(clock, 1, 0);
        List<Throwable> failures = new ArrayList<>();

        driver.run(index -> {
            throw new IllegalStateException("boom");
        }, START, START + MS, 2, Duration.ofSeconds(1), (from, done, bytes, failure) -> failures.add(failure));

        assertEquals(2, failures.size());
        assertTrue(failures.get(0) instanceof IllegalStateException);
    }
}
