package dev.coffer.client;

import static dev.coffer.client.ScriptedResponses.bytes;
import static dev.coffer.client.ScriptedResponses.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.client.ScriptedNode.Reply;
import dev.coffer.proto.Request;
import dev.coffer.proto.Status;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client takes a reply as the answer to a request only if it names that request and fits it,
 * and maps the statuses a node uses to refuse work: OVERLOADED is retried, WRITE_ID_REUSED is
 * final. Against a scripted node on a real socket.
 */
class CofferClientReplyCheckTest {
    private static final byte[] VALUE = bytes("hello");

    private ScriptedNode node;
    private CofferClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void put_replyNamesRequestIdNeverSent_failsWithClearErrorAfterRetries() throws Exception {
        start((request, index) -> Reply.withRequestId(put("k", 1, VALUE), request.getRequestId() + 1000));

        UnavailableException failure = assertThrows(UnavailableException.class, () -> client.put("alice", "k", VALUE));

        assertEquals(ClientReasons.MALFORMED_RESPONSE, failure.status());
        assertTrue(failure.getMessage().contains("which this connection never sent"), failure.getMessage());
        assertTrue(failure.outcomeUnknown(), "the node got the put and may have applied it");
        assertEquals(3, node.requests().size(), "each attempt on a new connection, then it gives up");
    }

    @Test
    void put_okAboutAnotherKey_isRejectedNotTakenForThePutsAnswer() throws Exception {
        start((request, index) -> Reply.with(put("someone-elses-key", 1, VALUE)));

        UnavailableException failure = assertThrows(UnavailableException.class, () -> client.put("alice", "k", VALUE));

        assertEquals(ClientReasons.MALFORMED_RESPONSE, failure.status());
        assertTrue(failure.getMessage().contains("does not belong to it: it describes another key"),
                failure.getMessage());
    }

    @Test
    void put_okWithDeleteResult_isRejectedNotTakenForThePutsAnswer() throws Exception {
        start((request, index) -> Reply.with(ScriptedResponses.delete(true, 4)));

        UnavailableException failure = assertThrows(UnavailableException.class, () -> client.put("alice", "k", VALUE));

        assertEquals(ClientReasons.MALFORMED_RESPONSE, failure.status());
        assertTrue(failure.getMessage().contains("a put request got a DELETE result"), failure.getMessage());
    }

    @Test
    void put_overloadedTwiceThenOk_retriedWithSameWriteIdAfterBackoff() throws Exception {
        start((request, index) -> index < 2 ? Reply.status(Status.OVERLOADED) : Reply.with(put("k", 5, VALUE)));

        ObjectInfo info = client.put("alice", "k", VALUE);

        assertEquals(5, info.version());
        List<Request> requests = node.requests();
        assertEquals(3, requests.size());
        assertEquals(requests.get(0).getPut(), requests.get(1).getPut(), "same put, same write id");
        assertEquals(requests.get(0).getPut(), requests.get(2).getPut());
    }

    @Test
    void get_overloadedEveryTime_failsAsUnavailableOverloadedAfterMaxAttempts() throws Exception {
        start((request, index) -> Reply.status(Status.OVERLOADED));

        UnavailableException failure = assertThrows(UnavailableException.class, () -> client.get("alice", "k"));

        assertEquals("OVERLOADED", failure.status());
        assertFalse(failure.outcomeUnknown());
        assertEquals(3, node.requests().size());
    }

    @Test
    void put_overloadedEveryTime_outcomeKnownBecauseNothingWasDone() throws Exception {
        start((request, index) -> Reply.status(Status.OVERLOADED));

        UnavailableException failure = assertThrows(UnavailableException.class, () -> client.put("alice", "k", VALUE));

        assertEquals("OVERLOADED", failure.status());
        assertFalse(failure.outcomeUnknown(), "an OVERLOADED node did nothing");
    }

    @Test
    void put_writeIdReused_isFinalWithoutRetry() throws Exception {
        start((request, index) -> Reply.status(Status.WRITE_ID_REUSED));

        WriteIdReusedException failure = assertThrows(WriteIdReusedException.class,
                () -> client.put("alice", "k", VALUE));

        assertEquals("WRITE_ID_REUSED", failure.status());
        assertEquals(1, node.requests().size());
    }

    private void start(ScriptedNode.Script script) throws InterruptedException {
        node = new ScriptedNode(script);
        client = CofferClient.builder()
                .endpoints(node.address())
                .requestTimeout(Duration.ofSeconds(2))
                .operationTimeout(Duration.ofSeconds(5))
                .retryPolicy(RetryPolicy.exponentialBackoff(3, Duration.ofMillis(5), Duration.ofMillis(20)))
                .build();
    }
}
