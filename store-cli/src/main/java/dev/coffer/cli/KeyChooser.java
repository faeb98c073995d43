package dev.coffer.cli;

import java.util.random.RandomGenerator;

/** Picks which key an operation touches: an index in {@code [0, keyCount)}. Immutable; the caller owns the random source. */
interface KeyChooser {

    long next(RandomGenerator random);

    /** How keys are spread over the key space. */
    enum Distribution {
        /** Every key equally likely. */
        UNIFORM,
        /** A few keys are hot: YCSB's scrambled Zipfian, constant 0.99. */
        ZIPFIAN
    }

    static KeyChooser of(Distribution distribution, long keyCount) {
        if (keyCount < 1) {
            throw new IllegalArgumentException("keyCount must be at least 1, got " + keyCount);
        }
        return switch (distribution) {
            case UNIFORM -> random -> random.nextLong(keyCount);
            case ZIPFIAN -> new ZipfianKeyChooser(keyCount, ZipfianKeyChooser.YCSB_CONSTANT);
        };
    }
}
