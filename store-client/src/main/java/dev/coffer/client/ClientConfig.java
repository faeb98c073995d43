package dev.coffer.client;

import io.netty.handler.ssl.SslContext;
import java.util.Optional;
import java.time.Duration;
import java.util.List;

/** The validated settings of one {@link CofferClient}; built by {@link CofferClientBuilder}. */
record ClientConfig(List<Endpoint> endpoints, Duration connectTimeout, Duration requestTimeout,
                    RetryPolicy retryPolicy, Duration operationTimeout, int maxFrameBytes,
                    Optional<SslContext> tls) {

    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofSeconds(30);
    // Enough attempts that the operation timeout, not the count, ends the retries during an
    // election (nodes answer NOT_LEADER without an address quickly while there is no leader).
    // Pauses stay short because a new leader usually takes over in ~0.1 s after its predecessor's
    // process exits (design.md, "Failover"): with pauses up to 1 s, a write waited up to a second
    // longer than the election.
    static final RetryPolicy DEFAULT_RETRY_POLICY =
            RetryPolicy.exponentialBackoff(300, Duration.ofMillis(50), Duration.ofMillis(250));
    static final int DEFAULT_MAX_FRAME_BYTES = 64 << 20;
    static final int MIN_FRAME_BYTES = 1024;
    /** The 4-byte length prefix must fit in an int together with the frame. */
    static final int MAX_FRAME_BYTES = Integer.MAX_VALUE - 4;

    ClientConfig {
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("at least one endpoint (host:port) is required");
        }
    }
}
