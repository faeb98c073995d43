package dev.coffer.cli;

import dev.coffer.client.CofferClient;
import dev.coffer.client.ReadOptions;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * Turns operation numbers into requests: picks the operation (from the workload), the key (from
 * the key chooser) and the client (round robin), and starts the request asynchronously.
 * {@link #start} and {@link #preload} must be called from one thread (the load driver's).
 */
final class BenchOperations {
    private final List<CofferClient> clients;
    private final BenchSettings settings;
    private final KeyChooser keys;
    private final SplittableRandom random;
    private final byte[] value;
    private final ReadOptions readOptions;

    BenchOperations(List<CofferClient> clients, BenchSettings settings, long seed) {
        if (clients.isEmpty()) {
            throw new IllegalArgumentException("at least one client is needed");
        }
        this.clients = List.copyOf(clients);
        this.settings = settings;
        this.keys = KeyChooser.of(settings.distribution(), settings.keySpace());
        this.random = new SplittableRandom(seed);
        this.value = new byte[settings.valueSize()];
        // Random bytes: a store or link that compresses would make repeated patterns look faster.
        random.nextBytes(value);
        this.readOptions = settings.staleReads() ? ReadOptions.stale() : ReadOptions.linearizable();
    }

    /** Starts operation {@code index} of the workload; the future holds the value bytes moved. */
    CompletableFuture<Long> start(long index) {
        CofferClient client = clientFor(index);
        long key = keys.next(random);
        return switch (settings.workload().choose(random.nextDouble(), settings.readRatio())) {
            case READ -> read(client, key);
            case UPDATE -> write(client, key);
            case READ_MODIFY_WRITE -> read(client, key)
                    .thenCompose(read -> write(client, key).thenApply(written -> read + written));
        };
    }

    /** Writes key number {@code index}: run over every key, so that reads find them all. */
    CompletableFuture<Long> preload(long index) {
        return write(clientFor(index), index);
    }

    private CompletableFuture<Long> read(CofferClient client, long key) {
        return client.getAsync(settings.userOf(key), settings.keyOf(key), readOptions)
                .thenApply(blob -> (long) blob.asReadOnlyBuffer().remaining());
    }

    private CompletableFuture<Long> write(CofferClient client, long key) {
        return client.putAsync(settings.userOf(key), settings.keyOf(key), value)
                .thenApply(stored -> (long) value.length);
    }

    private CofferClient clientFor(long index) {
        return clients.get((int) (index % clients.size()));
    }
}
