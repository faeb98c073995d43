package dev.coffer.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.coffer.proto.DeleteResult;
import dev.coffer.proto.GetRequest;
import dev.coffer.proto.GetResult;
import dev.coffer.proto.ObjectMeta;
import dev.coffer.proto.Request;
import dev.coffer.proto.Response;
import dev.coffer.proto.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The connection's framing and request/response matching, on an in-memory channel. */
class ConnectionTest {
    private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(5);

    private final EmbeddedChannel channel = new EmbeddedChannel(
        new ClientInitializer(Endpoint.parse("node-1:7101"), 4096, java.util.Optional.empty()));
    private final Connection connection = Connection.of(channel);

    @AfterEach
    void closeChannel() {
        channel.finishAndReleaseAll();
    }

    @Test
    void send_framesEachRequestWithLengthPrefixAndFreshId() throws Exception {
        connection.send(get("a"), TIMEOUT);
        connection.send(get("b"), TIMEOUT);

        List<Request> sent = sentRequests();
        assertEquals(2, sent.size());
        assertEquals("a", sent.get(0).getGet().getKey().toStringUtf8());
        assertEquals("b", sent.get(1).getGet().getKey().toStringUtf8());
        assertNotEquals(sent.get(0).getRequestId(), sent.get(1).getRequestId());
    }

    @Test
    void complete_responsesOutOfOrder_eachReachesItsRequest() throws Exception {
        CompletableFuture<Response> first = connection.send(get("a"), TIMEOUT);
        CompletableFuture<Response> second = connection.send(get("b"), TIMEOUT);
        List<Request> sent = sentRequests();

        channel.writeInbound(frame(response(sent.get(1).getRequestId(), "for b")));
        assertFalse(first.isDone());
        channel.writeInbound(frame(response(sent.get(0).getRequestId(), "for a")));

        assertEquals("for a", first.get().getErrorMessage());
        assertEquals("for b", second.get().getErrorMessage());
        assertEquals(0, connection.pendingCount());
    }

    @Test
    void complete_frameArrivesInFragments_isReassembled() throws Exception {
        CompletableFuture<Response> reply = connection.send(get("a"), TIMEOUT);
        long id = sentRequests().get(0).getRequestId();
        ByteBuf whole = frame(response(id, "fragmented"));

        // Split inside the length prefix and inside the body.
        channel.writeInbound(whole.readRetainedSlice(2));
        channel.writeInbound(whole.readRetainedSlice(5));
        assertFalse(reply.isDone());
        channel.writeInbound(whole.readRetainedSlice(whole.readableBytes()));
        whole.release();

        assertEquals("fragmented", reply.get().getErrorMessage());
    }

    @Test
    void complete_twoFramesInOneBuffer_bothDelivered() throws Exception {
        CompletableFuture<Response> first = connection.send(get("a"), TIMEOUT);
        CompletableFuture<Response> second = connection.send(get("b"), TIMEOUT);
        List<Request> sent = sentRequests();

        channel.writeInbound(Unpooled.wrappedBuffer(frame(response(sent.get(0).getRequestId(), "one")),
                frame(response(sent.get(1).getRequestId(), "two"))));

        assertEquals("one", first.get().getErrorMessage());
        assertEquals("two", second.get().getErrorMessage());
    }

    @Test
    void complete_requestIdNeverSent_failsEveryPendingRequestAndClosesConnection() throws Exception {
        CompletableFuture<Response> first = connection.send(get("a"), TIMEOUT);
        CompletableFuture<Response> second = connection.send(get("b"), TIMEOUT);

        channel.writeInbound(frame(response(999, "stray")));

        for (CompletableFuture<Response> reply : List.of(first, second)) {
            TransportException failure = transportFailure(reply);
            assertEquals(ClientReasons.MALFORMED_RESPONSE, failure.reason());
            assertTrue(failure.possiblyDelivered());
            assertTrue(failure.getMessage().contains("node-1:7101 answered request id 999, which this connection "
                    + "never sent"), failure.getMessage());
        }
        assertFalse(channel.isActive());
    }

    @Test
    void complete_okWithAnotherOperationsResult_doesNotCompleteTheRequestAndClosesConnection() throws Exception {
        CompletableFuture<Response> first = connection.send(get("a"), TIMEOUT);
        CompletableFuture<Response> second = connection.send(get("b"), TIMEOUT);
        long firstId = sentRequests().get(0).getRequestId();

        channel.writeInbound(frame(Response.newBuilder().setRequestId(firstId).setStatus(Status.OK)
                .setDelete(DeleteResult.newBuilder().setExisted(true)).build()));

        TransportException failure = transportFailure(first);
        assertEquals(ClientReasons.MALFORMED_RESPONSE, failure.reason());
        assertTrue(failure.getMessage().contains("a get request got a DELETE result"), failure.getMessage());
        assertEquals(ClientReasons.MALFORMED_RESPONSE, transportFailure(second).reason());
        assertFalse(channel.isActive());
    }

    @Test
    void complete_okAboutAnotherKey_doesNotCompleteTheRequest() throws Exception {
        CompletableFuture<Response> reply = connection.send(get("a"), TIMEOUT);
        long id = sentRequests().get(0).getRequestId();

        channel.writeInbound(frame(Response.newBuilder().setRequestId(id).setStatus(Status.OK)
                .setGet(GetResult.newBuilder().setMeta(ObjectMeta.newBuilder().setKey(ByteString.copyFromUtf8("b"))))
                .build()));

        TransportException failure = transportFailure(reply);
        assertEquals(ClientReasons.MALFORMED_RESPONSE, failure.reason());
        assertTrue(failure.getMessage().contains("another key"), failure.getMessage());
    }

    @Test
    void complete_connectionRefusedAsOverloaded_failsPendingAsNotDelivered() throws Exception {
        CompletableFuture<Response> reply = connection.send(get("a"), TIMEOUT);

        channel.writeInbound(frame(Response.newBuilder().setStatus(Status.OVERLOADED)
                .setErrorMessage("too many connections").build()));

        TransportException failure = transportFailure(reply);
        assertEquals("OVERLOADED", failure.reason());
        assertFalse(failure.possiblyDelivered(), "a refused connection had none of its requests read");
        assertTrue(failure.getMessage().contains("too many connections"), failure.getMessage());
        assertFalse(channel.isActive());
    }

    @Test
    void send_noAnswerWithinTimeout_failsWithPossiblyDeliveredTimeout_andDropsLateAnswer() throws Exception {
        channel.freezeTime();
        CompletableFuture<Response> reply = connection.send(get("a"), TimeUnit.MILLISECONDS.toNanos(100));
        long id = sentRequests().get(0).getRequestId();

        channel.advanceTimeBy(99, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(reply.isDone());
        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();

        TransportException failure = transportFailure(reply);
        assertEquals(ClientReasons.TIMEOUT, failure.reason());
        assertTrue(failure.possiblyDelivered());
        assertTrue(failure.getMessage().contains("node-1:7101"), failure.getMessage());
        channel.writeInbound(frame(response(id, "late")));
        assertEquals(0, connection.pendingCount());
        assertTrue(channel.isActive(), "a late answer to a request that was sent is no protocol error");
    }

    @Test
    void close_failsEveryPendingRequestAsPossiblyDelivered() throws Exception {
        CompletableFuture<Response> first = connection.send(get("a"), TIMEOUT);
        CompletableFuture<Response> second = connection.send(get("b"), TIMEOUT);

        channel.close();

        for (CompletableFuture<Response> reply : List.of(first, second)) {
            TransportException failure = transportFailure(reply);
            assertEquals(ClientReasons.CONNECTION_LOST, failure.reason());
            assertTrue(failure.possiblyDelivered());
        }
    }

    @Test
    void send_onClosedChannel_failsAsNotDelivered() throws Exception {
        channel.close();

        TransportException failure = transportFailure(connection.send(get("a"), TIMEOUT));

        assertFalse(failure.possiblyDelivered());
    }

    @Test
    void inbound_frameAboveLimit_closesConnectionAndFailsPending() throws Exception {
        CompletableFuture<Response> reply = connection.send(get("a"), TIMEOUT);
        ByteBuf oversized = Unpooled.buffer().writeInt(5000).writeZero(16);

        try {
            channel.writeInbound(oversized);
        } catch (RuntimeException expected) {
            // EmbeddedChannel rethrows the pipeline's exception after the handlers saw it.
        }

        assertEquals(ClientReasons.CONNECTION_LOST, transportFailure(reply).reason());
        assertFalse(channel.isActive());
    }

    @Test
    void send_requestAboveMaxFrame_failsWithValueTooLargeWithoutSending() {
        Request huge = Request.newBuilder().setGet(GetRequest.newBuilder()
                .setUser("u").setKey(ByteString.copyFrom(new byte[5000]))).build();

        CompletableFuture<Response> reply = connection.send(huge, TIMEOUT);

        ExecutionException failure = assertThrows(ExecutionException.class, reply::get);
        assertInstanceOf(ValueTooLargeException.class, failure.getCause());
        assertTrue(channel.outboundMessages().isEmpty());
    }

    private static Request get(String key) {
        return Request.newBuilder().setGet(GetRequest.newBuilder().setUser("u").setKey(ByteString.copyFromUtf8(key)))
                .build();
    }

    private static Response response(long requestId, String marker) {
        return Response.newBuilder().setRequestId(requestId).setStatus(Status.NOT_FOUND).setErrorMessage(marker).build();
    }

    private static ByteBuf frame(Response response) {
        byte[] body = response.toByteArray();
        return Unpooled.buffer().writeInt(body.length).writeBytes(body);
    }

    /** Everything written so far, cut into frames by their length prefix and parsed. */
    private List<Request> sentRequests() throws Exception {
        ByteBuf all = Unpooled.buffer();
        for (Object out; (out = channel.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) out;
            all.writeBytes(buf);
            buf.release();
        }
        List<Request> requests = new ArrayList<>();
        while (all.isReadable()) {
            int length = all.readInt();
            byte[] body = new byte[length];
            all.readBytes(body);
            requests.add(Request.parseFrom(body));
        }
        all.release();
        return requests;
    }

    private static TransportException transportFailure(CompletableFuture<Response> reply) {
        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> reply.get(1, TimeUnit.SECONDS));
        return assertInstanceOf(TransportException.class, failure.getCause());
    }
}
