package dev.coffer.client;

import dev.coffer.proto.Request;
import dev.coffer.proto.Response;
import dev.coffer.proto.Status;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One TCP connection to a node, with many requests in flight: each request gets a fresh id and
 * waits in {@link #pending} until the response with that id arrives, its timeout fires, or the
 * connection closes. Responses may arrive in any order.
 *
 * <p>A response completes only the request it names, and only if it answers that request (see
 * {@link ReplyMatch}). A response naming an id this connection never sent, or answering its
 * request with another operation's result, means the node's replies cannot be trusted to name
 * their requests: the connection is closed and every request on it fails as a transport failure
 * (the executor retries elsewhere, a write under the same write id).
 */
final class Connection {
    private static final AttributeKey<Connection> KEY = AttributeKey.valueOf(Connection.class, "connection");

    private final Channel channel;
    private final String peer;
    private final int maxFrameBytes;
    private final AtomicLong lastRequestId = new AtomicLong();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();

    private Connection(Channel channel, String peer, int maxFrameBytes) {
        this.channel = channel;
        this.peer = peer;
        this.maxFrameBytes = maxFrameBytes;
        String hint = channel.pipeline().get(io.netty.handler.ssl.SslHandler.class) == null
                ? " (a node that runs TLS closes plain-text connections: give the client its certificates)" : "";
        channel.closeFuture().addListener(closed -> failAll(new TransportException(
                ClientReasons.CONNECTION_LOST, "connection to " + peer + " closed before it answered" + hint, true)));
    }

    /**
     * Creates the connection of a channel being initialised (its TLS handler, if any, already in
     * the pipeline); {@link #of} finds it again.
     */
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
        pending.put(requestId, new Pending(framed, reply));
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

    /**
     * Completes the request this response answers. A late answer to a request that timed out is
     * dropped; an answer to an id never sent, or one that does not fit its request, breaks the
     * connection.
     */
    void complete(Response response) {
        long requestId = response.getRequestId();
        Pending waiting = pending.get(requestId);
        if (waiting == null) {
            if (!wasSent(requestId)) {
                breakConnection(unsolicited(response));
            }
            return;
        }
        Optional<String> mismatch = ReplyMatch.mismatch(waiting.request(), response);
        if (mismatch.isPresent()) {
            breakConnection(new TransportException(ClientReasons.MALFORMED_RESPONSE, peer + " answered request "
                    + requestId + " with a reply that does not belong to it: " + mismatch.get()
                    + "; closed the connection", true));
            return;
        }
        if (pending.remove(requestId, waiting)) {
            waiting.reply().complete(response);
        }
    }

    void failAll(TransportException failure) {
        for (Long requestId : pending.keySet()) {
            fail(requestId, failure);
        }
    }

    /** Fails every request in flight with {@code failure}, then closes the channel. */
    private void breakConnection(TransportException failure) {
        failAll(failure);
        channel.close();
    }

    /** Ids run from 1 up to the last one handed out; 0 is never sent. */
    private boolean wasSent(long requestId) {
        return requestId > 0 && requestId <= lastRequestId.get();
    }

    /**
     * The failure for a reply to no request of this connection. With id 0 the node speaks about
     * the connection itself: it could not read a frame (MALFORMED_FRAME), or it refused the
     * connection (OVERLOADED, before reading any request, so nothing sent on it was done).
     */
    private TransportException unsolicited(Response response) {
        String said = response.getErrorMessage().isEmpty() ? "" : ": " + response.getErrorMessage();
        if (response.getRequestId() == 0 && response.getStatus() == Status.OVERLOADED) {
            return new TransportException(Status.OVERLOADED.name(), peer + " refused the connection" + said, false);
        }
        if (response.getRequestId() == 0 && response.getStatus() != Status.OK) {
            return new TransportException(response.getStatus().name(), peer + " answered "
                    + response.getStatus() + " for the connection" + said + "; closed the connection", true);
        }
        return new TransportException(ClientReasons.MALFORMED_RESPONSE, peer + " answered request id "
                + Long.toUnsignedString(response.getRequestId())
                + ", which this connection never sent; closed the connection", true);
    }

    void close() {
        channel.close();
    }

    private void fail(long requestId, TransportException failure) {
        Pending waiting = pending.remove(requestId);
        if (waiting != null) {
            waiting.reply().completeExceptionally(failure);
        }
    }

    /** A request sent on this connection, as sent (with its id), and the future its answer completes. */
    private record Pending(Request request, CompletableFuture<Response> reply) {
    }
}
