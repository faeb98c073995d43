package dev.coffer.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.proto.WriteId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class WriteSequencerTest {
    private final WriteSequencer sequencer = new WriteSequencer("c1");

    @Test
    void next_ackedBelowIsTheOldestUnansweredSequence() {
        WriteId first = sequencer.next();
        WriteId second = sequencer.next();
        sequencer.answered(2);
        WriteId third = sequencer.next();
        sequencer.answered(1);
        WriteId fourth = sequencer.next();

        assertEquals(List.of(1L, 2L, 3L, 4L), List.of(first.getSequence(), second.getSequence(),
                third.getSequence(), fourth.getSequence()));
        assertEquals(List.of(1L, 1L, 1L, 3L), List.of(first.getAckedBelow(), second.getAckedBelow(),
                third.getAckedBelow(), fourth.getAckedBelow()));
        assertEquals("c1", fourth.getClientId());
    }

    @Test
    void next_concurrentWriters_neverAcknowledgeAnUnansweredSequence() throws Exception {
        // A sequence enters this set before the sequencer hears it was answered, so every
        // sequence below a WriteId's acked_below must already be in it.
        Set<Long> answered = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                workers.add(pool.submit(() -> {
                    for (int i = 0; i < 5000; i++) {
                        WriteId id = sequencer.next();
                        long ackedBelow = id.getAckedBelow();
                        assertTrue(ackedBelow <= id.getSequence());
                        // Races involve recent sequences; checking the last 64 keeps the test fast.
                        for (long seq = Math.max(1, ackedBelow - 64); seq < ackedBelow; seq++) {
                            assertTrue(answered.contains(seq), "acked_below " + ackedBelow + " passes unanswered " + seq);
                        }
                        answered.add(id.getSequence());
                        sequencer.answered(id.getSequence());
                    }
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void randomClientId_is32HexCharactersAndDiffersPerInstance() {
        String id = WriteSequencer.randomClientId();

        assertTrue(id.matches("[0-9a-f]{32}"), id);
        assertNotEquals(id, WriteSequencer.randomClientId());
    }
}
