package dev.coffer.cli;

import java.util.concurrent.locks.LockSupport;

/** The time source of a benchmark, injected so the load driver's accounting can be tested without sleeping. */
interface BenchClock {

    /** A monotonic time in nanoseconds, as {@link System#nanoTime()}. */
    long nanoTime();

    /** Returns at or soon after {@code deadlineNanos}; at once when it has passed. */
    void sleepUntil(long deadlineNanos) throws InterruptedException;

    static BenchClock system() {
        return SystemClock.INSTANCE;
    }

    /** The JVM's clock; sleeps by parking, so sub-millisecond intervals are kept roughly. */
    enum SystemClock implements BenchClock {
        INSTANCE;

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepUntil(long deadlineNanos) throws InterruptedException {
            for (long left = deadlineNanos - System.nanoTime(); left > 0; left = deadlineNanos - System.nanoTime()) {
                LockSupport.parkNanos(left);
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while waiting to send the next operation");
                }
            }
        }
    }
}
