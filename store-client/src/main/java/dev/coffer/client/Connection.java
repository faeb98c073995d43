package dev.coffer.client;

import dev.coffer.proto.Request;
import dev.coffer.proto.Response;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One TCP connection to a node, with many requests in flight: each request gets a fresh id and
 * waits in {@link #pending} until the response with that id arrives, its timeout fires, or the
 * connection closes. Responses may arrive in any order.
 */
final class Connection {
    private static final AttributeKey<Connection> KEY = AttributeKey.valueOf(Connection.class, "connection");

    private final Channel channel;
    private final String peer;
    private final int maxFrameBytes;
    private final AtomicLong lastRequestId = new AtomicLong();
    private final Map<Long, CompletableFuture<Response>> pending = new ConcurrentHashMap<>();

    private Connection(Channel channel, String peer, int maxFrameBytes) {
        this.channel = channel;
        this.peer = peer;
        this.maxFrameBytes = maxFrameBytes;
        channel.closeFuture().addListener(closed -> failAll(new TransportException(
                ClientReasons.CONNECTION_LOST, "connection to " + peer + " closed before it answered", true)));
    }

    /** Creates the connection of a channel being initialised; {@link #of} finds it again. */
    static Connection attach(Channel channel, String peer, int maxFrameBytes) {
        Connection connection = new Connection(channel, peer, maxFrameBytes);
        channel.attr(KEY).set(connection);
        return connection;
    }

    static Connection of(Channel channel) {
        Connection connection = channel.attr(KEY).get();
        if (connection == null) {
            throw new IllegalStateException("channel " + channel + " was not initialised by ClientInitializer");
        }
        return connection;
    }

    String peer() {
        return peer;
    }

    boolean isOpen() {
        return channel.isActive();
    }

    int pendingCount() {
        return pending.size();
    }

    /**
     * Sends {@code request} under a fresh request id. The future completes with the node's
     * response (whatever its status), or fails with a {@link TransportException} when the
     * connection breaks or no answer comes within {@code timeoutNanos}, or with a
     * {@link ValueTooLargeException} when the request does not fit in a frame.
     */
    CompletableFuture<Response> send(Request request, long timeoutNanos) {
        long requestId = lastRequestId.incrementAndGet();
        Request framed = request.toBuilder().setRequestId(requestId).build();
        int size = framed.getSerializedSize();
        if (size > maxFrameBytes) {
            return CompletableFuture.failedFuture(new ValueTooLargeException("request of " + size
                    + " bytes exceeds the client's maxFrameBytes of " + maxFrameBytes));
        }
        CompletableFuture<Response> reply = new CompletableFuture<>();
        pending.put(requestId, reply);
        try {
            var timer = channel.eventLoop().schedule(() -> fail(requestId, new TransportException(
                    ClientReasons.TIMEOUT, "no answer from " + peer + " within "
                    + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms", true)), timeoutNanos, TimeUnit.NANOSECONDS);
            reply.whenComplete((response, failure) -> timer.cancel(false));
        } catch (RejectedExecutionException e) {
            fail(requestId, new TransportException(ClientReasons.CLIENT_CLOSED, "the client is closed", false));
            return reply;
        }
        // A failed write never left this client whole, so the node cannot have acted on it. If the
        // channel closed before the request was registered above, this write fails too.
        channel.writeAndFlush(framed).addListener(write -> {
            if (!write.isSuccess()) {
                fail(requestId, new TransportException(ClientReasons.CONNECTION_LOST, "could not send to "
                        + peer + ": " + TransportException.describe(write.cause()), false));
            }
        });
        return reply;
    }

    /** Completes the request this response answers; a late answer to a timed-out request is dropped. */
    void complete(Response response) {
        CompletableFuture<Response> reply = pending.remove(response.getRequestId());
        if (reply != null) {
            reply.complete(response);
        }
    }

    void failAll(TransportException failure) {
        for (Long requestId : pending.keySet()) {
            fail(requestId, failure);
        }
    }

    void close() {
        channel.close();
    }

    private void fail(long requestId, TransportException failure) {
        CompletableFuture<Response> reply = pending.remove(requestId);
        if (reply != null) {
            reply.completeExceptionally(failure);
        }
    }
}
