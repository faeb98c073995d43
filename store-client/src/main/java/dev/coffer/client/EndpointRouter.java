package dev.coffer.client;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Which node to ask: the cached leader when one is known, otherwise the known endpoints in turn.
 * Endpoints learnt from redirects are added to the configured ones.
 */
final class EndpointRouter {
    private final CopyOnWriteArrayList<Endpoint> endpoints;
    private final AtomicReference<Endpoint> leader = new AtomicReference<>();
    private final AtomicInteger rotation = new AtomicInteger();

    EndpointRouter(List<Endpoint> configured) {
        if (configured.isEmpty()) {
            throw new IllegalArgumentException("at least one endpoint is required");
        }
        this.endpoints = new CopyOnWriteArrayList<>(configured);
    }

    /** Where an operation's first attempt goes; without a known leader, successive calls spread out. */
    Endpoint first() {
        Endpoint known = leader.get();
        if (known != null) {
            return known;
        }
        return endpoints.get(Math.floorMod(rotation.getAndIncrement(), endpoints.size()));
    }

    /** Where to go after {@code failed} did not help: another node known as leader, else the next endpoint. */
    Endpoint next(Endpoint failed) {
        Endpoint known = leader.get();
        if (known != null && !known.equals(failed)) {
            return known;
        }
        int index = endpoints.indexOf(failed);
        return endpoints.get((index + 1) % endpoints.size());
    }

    /** Remembers {@code endpoint} as the leader and adds it to the known endpoints if it is new. */
    void leaderIs(Endpoint endpoint) {
        endpoints.addIfAbsent(endpoint);
        leader.set(endpoint);
    }

    /** Forgets {@code endpoint} as the leader, if it was cached as one. */
    void notLeader(Endpoint endpoint) {
        leader.compareAndSet(endpoint, null);
    }

    Optional<Endpoint> leader() {
        return Optional.ofNullable(leader.get());
    }

    List<String> endpoints() {
        return endpoints.stream().map(Endpoint::toString).toList();
    }
}
