package dev.coffer.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Configures a {@link CofferClient}; obtained from {@link CofferClient#builder()}. Every setter
 * checks its argument at once and fails with an {@link IllegalArgumentException} that says what
 * is wrong; only {@link #endpoints} is required.
 */
public final class CofferClientBuilder {
    private List<Endpoint> endpoints = List.of();
    private Duration connectTimeout = ClientConfig.DEFAULT_CONNECT_TIMEOUT;
    private Duration requestTimeout = ClientConfig.DEFAULT_REQUEST_TIMEOUT;
    private Duration operationTimeout = ClientConfig.DEFAULT_OPERATION_TIMEOUT;
    private Optional<io.netty.handler.ssl.SslContext> tls = Optional.empty();
    private RetryPolicy retryPolicy = ClientConfig.DEFAULT_RETRY_POLICY;
    private int maxFrameBytes = ClientConfig.DEFAULT_MAX_FRAME_BYTES;

    CofferClientBuilder() {
    }

    /** The nodes to contact, comma-separated: {@code "10.0.0.1:7101,10.0.0.2:7101"}. */
    public CofferClientBuilder endpoints(String commaSeparated) {
        Objects.requireNonNull(commaSeparated, "endpoints must not be null");
        return endpoints(List.of(commaSeparated.split(",", -1)));
    }

    /** The nodes to contact, each {@code host:port}; duplicates are dropped. */
    public CofferClientBuilder endpoints(List<String> endpoints) {
        Objects.requireNonNull(endpoints, "endpoints must not be null");
        LinkedHashSet<Endpoint> parsed = new LinkedHashSet<>();
        for (String endpoint : endpoints) {
            parsed.add(Endpoint.parse(endpoint));
        }
        if (parsed.isEmpty()) {
            throw new IllegalArgumentException("endpoints must name at least one host:port");
        }
        this.endpoints = new ArrayList<>(parsed);
        return this;
    }

    /** How long to wait for a TCP connection to a node. Default 2 s. */
    public CofferClientBuilder connectTimeout(Duration connectTimeout) {
        this.connectTimeout = Arguments.requirePositive(connectTimeout, "connectTimeout");
        return this;
    }

    /** How long one attempt waits for a node's answer before trying again. Default 5 s. */
    public CofferClientBuilder requestTimeout(Duration requestTimeout) {
        this.requestTimeout = Arguments.requirePositive(requestTimeout, "requestTimeout");
        return this;
    }

    /**
     * The whole budget of one call, all retries and pauses included; an attempt never waits past
     * it, even when {@link #requestTimeout} is longer. Default 30 s.
     */
    public CofferClientBuilder operationTimeout(Duration operationTimeout) {
        this.operationTimeout = Arguments.requirePositive(operationTimeout, "operationTimeout");
        return this;
    }

    /** Default: 300 attempts (the operation timeout usually ends retries first), pauses from 50 ms doubling up to 250 ms. */
    public CofferClientBuilder retryPolicy(RetryPolicy retryPolicy) {
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy must not be null");
        return this;
    }

    /** The largest request or response frame, without its 4-byte length prefix. Default 64 MiB. */
    public CofferClientBuilder maxFrameBytes(int maxFrameBytes) {
        if (maxFrameBytes < ClientConfig.MIN_FRAME_BYTES || maxFrameBytes > ClientConfig.MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes must be between " + ClientConfig.MIN_FRAME_BYTES
                    + " and " + ClientConfig.MAX_FRAME_BYTES + ", got " + maxFrameBytes);
        }
        this.maxFrameBytes = maxFrameBytes;
        return this;
    }

    /**
     * Mutual TLS with the nodes, from PEM files (see {@link TlsFiles}): required by a cluster that
     * runs with TLS. Rotated files are picked up at the next connection.
     */
    public CofferClientBuilder tls(TlsFiles files) {
        this.tls = Optional.of(ClientTls.fromFiles(Objects.requireNonNull(files, "files")));
        return this;
    }

    /** Mutual TLS from a ready {@link SSLContext} holding this client's key and the cluster's CA. */
    public CofferClientBuilder tls(SSLContext context) {
        this.tls = Optional.of(ClientTls.fromContext(Objects.requireNonNull(context, "context")));
        return this;
    }

    /** Starts the client's I/O threads; connections to nodes are opened on first use. */
    public CofferClient build() {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("endpoints are required: call endpoints(\"host:port,...\")");
        }
        return new CofferClient(new ClientConfig(endpoints, connectTimeout, requestTimeout, retryPolicy,
                operationTimeout, maxFrameBytes, tls));
    }
}
