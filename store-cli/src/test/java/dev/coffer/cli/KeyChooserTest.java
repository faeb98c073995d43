package dev.coffer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KeyChooserTest {
    private static final int KEYS = 1000;
    private static final int SAMPLES = 200_000;

    @Test
    void next_uniform_staysInRangeAndIsFlat() {
        long[] counts = sample(KeyChooser.of(KeyChooser.Distribution.UNIFORM, KEYS));

        // Expected 200 per key; the busiest of 1000 stays far below 2x that.
        assertTrue(max(counts) < 2 * SAMPLES / KEYS, "busiest key: " + max(counts));
        assertTrue(min(counts) > 0, "a key was never chosen");
    }

    @Test
    void next_zipfian_staysInRangeAndFavoursOneKey() {
        long[] counts = sample(KeyChooser.of(KeyChooser.Distribution.ZIPFIAN, KEYS));

        // With theta 0.99 over 1000 keys the most popular key has p = 1 / zeta(1000) ~ 0.13;
        // uniform would give it 0.001.
        double topShare = max(counts) / (double) SAMPLES;
        assertTrue(topShare > 0.10 && topShare < 0.17, "top key share: " + topShare);
        assertTrue(counts[0] == max(counts), "rank 0 maps to key 0");
    }

    @Test
    void next_zipfian_spreadsHotKeysOverTheKeySpace() {
        long[] counts = sample(KeyChooser.of(KeyChooser.Distribution.ZIPFIAN, KEYS));

        // The second and third most popular keys are not key 0's neighbours (so not all of one user).
        assertTrue(counts[1] < counts[0] / 10 && counts[2] < counts[0] / 10,
                "neighbours of the hot key: " + counts[1] + ", " + counts[2]);
    }

    @Test
    void next_zipfian_tinyKeySpaces_work() {
        SplittableRandom random = new SplittableRandom(1);
        KeyChooser one = KeyChooser.of(KeyChooser.Distribution.ZIPFIAN, 1);
        KeyChooser two = KeyChooser.of(KeyChooser.Distribution.ZIPFIAN, 2);
        int zeros = 0;
        for (int i = 0; i < 10_000; i++) {
            assertEquals(0, one.next(random));
            long key = two.next(random);
            assertTrue(key == 0 || key == 1, "key " + key);
            zeros += key == 0 ? 1 : 0;
        }
        // p(rank 0) = 1 / (1 + 0.5^0.99) ~ 0.665
        assertTrue(zeros > 6_300 && zeros < 7_000, "key 0 chosen " + zeros + " times of 10000");
    }

    private static long[] sample(KeyChooser chooser) {
        SplittableRandom random = new SplittableRandom(42);
        long[] counts = new long[KEYS];
        for (int i = 0; i < SAMPLES; i++) {
            long key = chooser.next(random);
            assertTrue(key >= 0 && key < KEYS, "key out of range: " + key);
            counts[(int) key]++;
        }
        return counts;
    }

    private static long max(long[] counts) {
        long max = 0;
        for (long count : counts) {
            max = Math.max(max, count);
        }
        return max;
    }

    private static long min(long[] counts) {
        long min = Long.MAX_VALUE;
        for (long count : counts) {
            min = Math.min(min, count);
        }
        return min;
    }
}
