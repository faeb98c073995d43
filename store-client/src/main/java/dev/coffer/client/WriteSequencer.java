package dev.coffer.client;

import dev.coffer.proto.WriteId;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * Numbers this client's writes for exactly-once application: one random client id, sequences
 * from 1, and {@code acked_below} = the smallest sequence still waiting for its answer, which
 * lets the cluster forget the results of everything below it.
 */
final class WriteSequencer {
    private final String clientId;
    private final ConcurrentSkipListSet<Long> unanswered = new ConcurrentSkipListSet<>();
    private long nextSequence = 1;

    WriteSequencer(String clientId) {
        this.clientId = clientId;
    }

    /** 32 hex characters of a random 128-bit number: unique per client instance, in the node's id alphabet. */
    static String randomClientId() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    String clientId() {
        return clientId;
    }

    /**
     * The id of a new write. Synchronized so that a sequence is registered as unanswered before
     * any later sequence computes its {@code acked_below}; otherwise a concurrent writer could
     * acknowledge a sequence that was handed out but not yet registered.
     */
    synchronized WriteId next() {
        long sequence = nextSequence++;
        unanswered.add(sequence);
        return WriteId.newBuilder()
                .setClientId(clientId)
                .setSequence(sequence)
                .setAckedBelow(unanswered.first())
                .build();
    }

    /** The write got its final answer (or the client gave up on it): the cluster may forget it. */
    void answered(long sequence) {
        unanswered.remove(sequence);
    }
}
