package dev.coffer.cli;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Issues operations, at most {@code inFlight} outstanding at once, until a deadline or a count.
 *
 * <p><b>Closed loop</b> (no rate): a new operation starts as soon as one finishes; each is timed
 * from when it was sent. <b>Open loop</b> (a rate): operation i is due at
 * {@code start + i / rate}, whether or not earlier ones have finished, and is timed from that
 * intended time. An operation sent late — the in-flight limit was reached, or the issuing thread
 * was held up — is charged the delay, so a stall of the cluster shows in the latencies instead of
 * merely slowing the load (no "coordinated omission"). Operations due before the deadline that
 * could not be sent in time are counted as unsent.
 *
 * <p>Everything is issued from the calling thread; completions arrive on the client's threads.
 */
final class LoadDriver {

    /** Starts operation {@code index}; the future holds the value bytes it moved. */
    interface Operation {
        CompletableFuture<Long> start(long index);
    }

    /** Where each finished operation goes; called on the thread that completed it. */
    interface Sink {
        /** @param fromNanos when the operation's clock started: its intended time (open loop) or its send time */
        void completed(long fromNanos, long doneNanos, long bytes, Throwable failure);
    }

    /**
     * @param issued        operations sent
     * @param unsent        open loop: operations due before the deadline that were never sent
     * @param finishedNanos when the last operation had finished (or the drain limit ran out)
     * @param abandoned     operations still outstanding when the drain limit ran out
     */
    record Outcome(long issued, long unsent, long finishedNanos, int abandoned) {
    }

    private final BenchClock clock;
    private final int inFlight;
    private final double intervalNanos;

    /** @param rate operations per second for an open loop, or 0 for a closed loop */
    LoadDriver(BenchClock clock, int inFlight, double rate) {
        if (inFlight < 1) {
            throw new IllegalArgumentException("inFlight must be at least 1, got " + inFlight);
        }
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("rate must be 0 (closed loop) or positive, got " + rate);
        }
        this.clock = clock;
        this.inFlight = inFlight;
        this.intervalNanos = rate > 0 ? 1e9 / rate : 0;
    }

    boolean openLoop() {
        return intervalNanos > 0;
    }

    /**
     * Issues operations from {@code startNanos} until {@code endNanos} or {@code maxOps} of them,
     * then waits up to {@code drainLimit} for those still outstanding.
     */
    Outcome run(Operation operation, long startNanos, long endNanos, long maxOps, Duration drainLimit, Sink sink)
            throws InterruptedException {
        Semaphore permits = new Semaphore(inFlight);
        long issued = 0;
        boolean stoppedByTime = false;
        while (issued < maxOps) {
            long from = 0;
            if (openLoop()) {
                from = intendedTime(startNanos, issued);
                if (from >= endNanos) {
                    break;
                }
                clock.sleepUntil(from);
            }
            if (!acquireBefore(permits, endNanos)) {
                stoppedByTime = true;
                break;
            }
            issue(operation, issued, openLoop() ? from : clock.nanoTime(), permits, sink);
            issued++;
        }
        long unsent = openLoop() && stoppedByTime
                ? Math.max(0, Math.min(maxOps, dueBefore(startNanos, endNanos)) - issued)
                : 0;
        boolean drained = permits.tryAcquire(inFlight, drainLimit.toNanos(), TimeUnit.NANOSECONDS);
        int abandoned = drained ? 0 : inFlight - permits.availablePermits();
        return new Outcome(issued, unsent, clock.nanoTime(), abandoned);
    }

    /** Takes an in-flight permit, waiting for one until {@code endNanos} at most. */
    private boolean acquireBefore(Semaphore permits, long endNanos) throws InterruptedException {
        long left = endNanos - clock.nanoTime();
        return left > 0 && (permits.tryAcquire() || permits.tryAcquire(left, TimeUnit.NANOSECONDS));
    }

    /** When operation {@code index} is due in an open loop. */
    long intendedTime(long startNanos, long index) {
        return startNanos + (long) (index * intervalNanos);
    }

    /** How many operations an open loop schedules in {@code [start, end)}. */
    private long dueBefore(long startNanos, long endNanos) {
        return (long) Math.ceil((endNanos - startNanos) / intervalNanos);
    }

    private void issue(Operation operation, long index, long fromNanos, Semaphore permits, Sink sink) {
        CompletableFuture<Long> result;
        try {
            result = operation.start(index);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        result.whenComplete((bytes, failure) -> {
            try {
                sink.completed(fromNanos, clock.nanoTime(), bytes == null ? 0 : bytes, failure);
            } finally {
                permits.release();
            }
        });
    }
}
