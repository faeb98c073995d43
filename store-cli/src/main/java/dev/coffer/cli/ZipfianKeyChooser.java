package dev.coffer.cli;

import java.util.random.RandomGenerator;

/**
 * Zipfian key choice: the key of rank r (0 the most popular) is chosen with probability
 * proportional to {@code 1 / (r + 1)^theta}. Ranks are drawn with the constant-time algorithm of
 * Gray et al., "Quickly Generating Billion-Record Synthetic Databases" (SIGMOD 1994), as YCSB's
 * {@code ZipfianGenerator} does, then spread over the key space by a fixed permutation, so that
 * the hot keys are not all neighbours (of one user) — the idea of YCSB's {@code ScrambledZipfianGenerator},
 * but a bijection, so the skew stays exact.
 */
final class ZipfianKeyChooser implements KeyChooser {
    static final double YCSB_CONSTANT = 0.99;
    /**
     * A prime larger than any key count allowed, so multiplying by it permutes the indexes (and the
     * product of two numbers below it fits a long).
     */
    private static final long SPREAD = 2_654_435_761L;

    private final long keyCount;
    private final double zetaN;
    private final double alpha;
    private final double eta;
    private final double secondThreshold;

    ZipfianKeyChooser(long keyCount, double theta) {
        if (keyCount < 1 || keyCount >= SPREAD) {
            throw new IllegalArgumentException("keyCount must be from 1 to " + (SPREAD - 1) + ", got " + keyCount);
        }
        if (!(theta > 0 && theta < 1)) {
            throw new IllegalArgumentException("theta must be between 0 and 1 (exclusive), got " + theta);
        }
        this.keyCount = keyCount;
        this.zetaN = zeta(keyCount, theta);
        double zeta2 = zeta(Math.min(2, keyCount), theta);
        this.alpha = 1 / (1 - theta);
        this.eta = keyCount <= 2 ? 0 : (1 - Math.pow(2.0 / keyCount, 1 - theta)) / (1 - zeta2 / zetaN);
        this.secondThreshold = 1 + Math.pow(0.5, theta);
    }

    @Override
    public long next(RandomGenerator random) {
        return rank(random.nextDouble()) * SPREAD % keyCount;
    }

    /** The popularity rank for a uniform number in [0, 1): 0 is the most popular key. */
    long rank(double uniform) {
        double uz = uniform * zetaN;
        if (uz < 1) {
            return 0;
        }
        if (uz < secondThreshold) {
            return Math.min(1, keyCount - 1);
        }
        long rank = (long) (keyCount * Math.pow(eta * uniform - eta + 1, alpha));
        return Math.min(Math.max(rank, 0), keyCount - 1);
    }

    /** The generalised harmonic number: sum of 1 / i^theta for i = 1..n. */
    private static double zeta(long n, double theta) {
        double sum = 0;
        for (long i = 1; i <= n; i++) {
            sum += 1 / Math.pow(i, theta);
        }
        return sum;
    }
}
