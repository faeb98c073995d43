package dev.coffer.client;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import javax.net.ssl.SSLHandshakeException;
import java.util.Optional;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * At most one connection per node, opened on first use and opened again on the next use after
 * it broke. Connecting never blocks the caller.
 */
final class ConnectionPool implements AutoCloseable {
    private final Bootstrap bootstrap;
    private final int maxFrameBytes;
    private final Optional<SslContext> tls;
    private final ConcurrentMap<Endpoint, CompletableFuture<Connection>> connections = new ConcurrentHashMap<>();
    private volatile boolean closed;

    ConnectionPool(EventLoopGroup group, ClientConfig config) {
        this.maxFrameBytes = config.maxFrameBytes();
        this.tls = config.tls();
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        config.connectTimeout().toMillis()));
    }

    /** The open connection to {@code endpoint}, or one being opened; fails with a {@link TransportException}. */
    CompletableFuture<Connection> acquire(Endpoint endpoint) {
        if (closed) {
            return CompletableFuture.failedFuture(clientClosed());
        }
        CompletableFuture<Connection> fresh = new CompletableFuture<>();
        CompletableFuture<Connection> chosen =
                connections.compute(endpoint, (key, current) -> isUsable(current) ? current : fresh);
        if (chosen == fresh) {
            // Outside compute(): connect listeners may run on this thread and touch the map.
            connect(endpoint, fresh);
        }
        return chosen;
    }

    @Override
    public void close() {
        closed = true;
        for (CompletableFuture<Connection> connection : connections.values()) {
            connection.thenAccept(Connection::close);
        }
        connections.clear();
    }

    private static boolean isUsable(CompletableFuture<Connection> connection) {
        if (connection == null || connection.isCompletedExceptionally()) {
            return false;
        }
        return !connection.isDone() || connection.join().isOpen();
    }

    private void connect(Endpoint endpoint, CompletableFuture<Connection> result) {
        ChannelFuture connecting;
        try {
            connecting = bootstrap.clone()
                    .handler(new ClientInitializer(endpoint, maxFrameBytes, tls))
                    .connect(endpoint.host(), endpoint.port());
        } catch (RuntimeException e) {
            // The event loop group refuses new channels once the client is shutting down.
            connections.remove(endpoint, result);
            result.completeExceptionally(closed ? clientClosed() : new TransportException(
                    ClientReasons.CONNECT_FAILED, "cannot connect to " + endpoint + ": "
                    + TransportException.describe(e), false));
            return;
        }
        connecting.addListener((ChannelFuture done) -> {
            if (!done.isSuccess()) {
                connections.remove(endpoint, result);
                result.completeExceptionally(new TransportException(ClientReasons.CONNECT_FAILED,
                        "cannot connect to " + endpoint + ": " + TransportException.describe(done.cause()), false));
                return;
            }
            Connection connection = Connection.of(done.channel());
            done.channel().closeFuture().addListener(closedFuture -> connections.remove(endpoint, result));
            SslHandler ssl = done.channel().pipeline().get(SslHandler.class);
            if (ssl == null) {
                ready(connection, result);
                return;
            }
            ssl.handshakeFuture().addListener(handshake -> {
                if (handshake.isSuccess()) {
                    ready(connection, result);
                } else {
                    connections.remove(endpoint, result);
                    result.completeExceptionally(handshakeFailure(endpoint, handshake.cause()));
                    connection.close();
                }
            });
        });
    }

    private void ready(Connection connection, CompletableFuture<Connection> result) {
        result.complete(connection);
        if (closed) {
            connection.close();
        }
    }

    /**
     * A certificate refused (either way) is not transient: the call fails at once, saying why. A
     * handshake cut off (the node restarting) is retried like any lost connection.
     */
    private static RuntimeException handshakeFailure(Endpoint endpoint, Throwable cause) {
        Throwable reason = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (reason instanceof SSLHandshakeException) {
            return new CofferException(ClientReasons.TLS_FAILED, "TLS with " + endpoint + " failed: "
                    + TransportException.describe(reason) + " (check the client's certificate, key and CA against "
                    + "the cluster's)");
        }
        return new TransportException(ClientReasons.CONNECT_FAILED, "TLS handshake with " + endpoint + " failed: "
                + TransportException.describe(reason), false);
    }

    private static TransportException clientClosed() {
        return new TransportException(ClientReasons.CLIENT_CLOSED, "the client is closed", false);
    }
}
