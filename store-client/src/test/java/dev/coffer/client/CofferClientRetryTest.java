package dev.coffer.client;

import static dev.coffer.client.ScriptedResponses.bytes;
import static dev.coffer.client.ScriptedResponses.notLeader;
import static dev.coffer.client.ScriptedResponses.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.client.ScriptedNode.Reply;
import dev.coffer.proto.Request;
import dev.coffer.proto.Status;
import dev.coffer.proto.WriteId;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Leader discovery, redirects, retries and write ids, against scripted nodes on real sockets. */
class CofferClientRetryTest {
    private static final byte[] VALUE = bytes("hello");

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeResources() throws Exception {
        Collections.reverse(resources);
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    @Test
    void put_followerNamesLeader_clientFollowsRedirectAndCachesLeader() throws Exception {
        ScriptedNode leader = node((request, index) -> Reply.with(put("k", 7, VALUE)));
        ScriptedNode follower = node((request, index) -> Reply.with(notLeader(leader.address())));
        CofferClient client = client(follower.address(), builder -> builder);

        ObjectInfo first = client.put("alice", "k", VALUE);
        client.put("alice", "k", VALUE);

        assertEquals(7, first.version());
        assertEquals(1, follower.requests().size(), "the second put must go straight to the cached leader");
        assertEquals(2, leader.requests().size());
        assertEquals(List.of(follower.address(), leader.address()), client.endpoints());
    }

    @Test
    void put_unavailableThenOk_retriesOnceWithSameWriteId() throws Exception {
        ScriptedNode node = node((request, index) ->
                index == 0 ? Reply.status(Status.UNAVAILABLE) : Reply.with(put("k", 3, VALUE)));
        CofferClient client = client(node.address(), builder -> builder);

        ObjectInfo info = client.put("alice", "k", VALUE);

        assertEquals(3, info.version());
        List<Request> requests = node.requests();
        assertEquals(2, requests.size());
        assertEquals(requests.get(0).getPut(), requests.get(1).getPut(), "a retry resends the same put, WriteId included");
        assertEquals(1, requests.get(1).getPut().getWriteId().getSequence());
    }

    @Test
    void put_firstNodeUnavailable_nextEndpointAnswers() throws Exception {
        ScriptedNode unavailable = node((request, index) -> Reply.status(Status.UNAVAILABLE));
        ScriptedNode healthy = node((request, index) -> Reply.with(put("k", 1, VALUE)));
        CofferClient client = client(unavailable.address() + "," + healthy.address(), builder -> builder);

        client.put("alice", "k", VALUE);

        assertEquals(1, unavailable.requests().size());
        assertEquals(1, healthy.requests().size());
    }

    @Test
    void put_notLeaderWithoutAddress_triesNextEndpoint() throws Exception {
        ScriptedNode follower = node((request, index) -> Reply.with(notLeader("")));
        ScriptedNode leader = node((request, index) -> Reply.with(put("k", 1, VALUE)));
        CofferClient client = client(follower.address() + "," + leader.address(), builder -> builder);

        client.put("alice", "k", VALUE);
        client.put("alice", "k", VALUE);

        assertEquals(1, follower.requests().size(), "the leader that answered is cached");
        assertEquals(2, leader.requests().size());
    }

    @Test
    void put_nodesRedirectToEachOther_givesUpAfterMaxAttemptsAsNotLeader() throws Exception {
        ScriptedNode a = node(null);
        ScriptedNode b = node((request, index) -> Reply.with(notLeader(a.address())));
        a.script((request, index) -> Reply.with(notLeader(b.address())));
        CofferClient client = client(a.address(), builder -> builder
                .retryPolicy(RetryPolicy.exponentialBackoff(6, Duration.ofMillis(1), Duration.ofMillis(5))));

        UnavailableException failure = assertThrows(UnavailableException.class, () -> client.put("alice", "k", VALUE));

        assertEquals("NOT_LEADER", failure.status());
        assertFalse(failure.outcomeUnknown(), "a node that is not the leader never applies a write");
        assertEquals(6, a.requests().size() + b.requests().size());
    }

    @Test
    void put_nodeNeverAnswers_failsWithinOperationTimeoutAsOutcomeUnknown() throws Exception {
        ScriptedNode silent = node((request, index) -> Reply.silence());
        CofferClient client = client(silent.address(), builder -> builder
                .requestTimeout(Duration.ofMillis(100))
                .operationTimeout(Duration.ofMillis(700))
                .retryPolicy(RetryPolicy.exponentialBackoff(50, Duration.ofMillis(10), Duration.ofMillis(50))));

        long start = System.nanoTime();
        UnavailableException failure = assertThrows(UnavailableException.class, () -> client.put("alice", "k", VALUE));
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertTrue(failure.outcomeUnknown());
        assertEquals("TIMEOUT", failure.status());
        assertTrue(elapsedMillis >= 500 && elapsedMillis < 1500, "took " + elapsedMillis + " ms");
        List<Request> requests = silent.requests();
        assertTrue(requests.size() >= 3, "retried until the budget ran out: " + requests.size());
        assertTrue(requests.stream().allMatch(r -> r.getPut().getWriteId().getSequence() == 1));
    }

    @Test
    void get_nodeNeverAnswers_failsAsUnavailableWithKnownOutcome() throws Exception {
        ScriptedNode silent = node((request, index) -> Reply.silence());
        CofferClient client = client(silent.address(), builder -> builder
                .requestTimeout(Duration.ofMillis(100))
                .operationTimeout(Duration.ofMillis(300)));

        UnavailableException failure = assertThrows(UnavailableException.class, () -> client.get("alice", "k"));

        assertFalse(failure.outcomeUnknown(), "a read changes nothing");
    }

    @Test
    void put_everyEndpointRefusesConnection_failsWithConnectFailedAndKnownOutcome() throws Exception {
        CofferClient client = client("127.0.0.1:" + closedPort(), builder -> builder
                .retryPolicy(RetryPolicy.exponentialBackoff(3, Duration.ofMillis(5), Duration.ofMillis(10))));

        UnavailableException failure = assertThrows(UnavailableException.class, () -> client.put("alice", "k", VALUE));

        assertEquals("CONNECT_FAILED", failure.status());
        assertFalse(failure.outcomeUnknown(), "nothing was sent");
        assertTrue(failure.getMessage().contains("3 attempt(s)"), failure.getMessage());
    }

    @Test
    void put_connectionDropsAfterSending_failsAsOutcomeUnknown() throws Exception {
        ScriptedNode dropping = node((request, index) -> Reply.disconnect());
        CofferClient client = client(dropping.address(), builder -> builder
                .retryPolicy(RetryPolicy.exponentialBackoff(3, Duration.ofMillis(5), Duration.ofMillis(10))));

        UnavailableException failure = assertThrows(UnavailableException.class, () -> client.put("alice", "k", VALUE));

        assertEquals("CONNECTION_LOST", failure.status());
        assertTrue(failure.outcomeUnknown());
        assertEquals(3, dropping.requests().size(), "each attempt reconnects");
    }

    @Test
    void put_timeoutThenConnectionRefused_outcomeStaysUnknown() throws Exception {
        ScriptedNode silent = node((request, index) -> Reply.silence());
        CofferClient client = client(silent.address() + ",127.0.0.1:" + closedPort(), builder -> builder
                .requestTimeout(Duration.ofMillis(100))
                .retryPolicy(RetryPolicy.exponentialBackoff(2, Duration.ofMillis(5), Duration.ofMillis(10))));

        UnavailableException failure = assertThrows(UnavailableException.class, () -> client.put("alice", "k", VALUE));

        assertEquals("CONNECT_FAILED", failure.status());
        assertTrue(failure.outcomeUnknown(), "the first attempt reached a node and may have been applied");
    }

    @Test
    void writeId_ackedBelowAdvancesAfterEachReply() throws Exception {
        ScriptedNode node = node((request, index) -> Reply.with(request.hasDelete()
                ? ScriptedResponses.delete(true, index + 1) : put("k", index + 1, VALUE)));
        CofferClient client = client(node.address(), builder -> builder);

        client.put("alice", "k", VALUE);
        assertTrue(client.delete("alice", "k"));
        client.put("alice", "k", VALUE);

        List<WriteId> ids = writeIds(node.requests());
        assertEquals(List.of(1L, 2L, 3L), ids.stream().map(WriteId::getSequence).toList());
        assertEquals(List.of(1L, 2L, 3L), ids.stream().map(WriteId::getAckedBelow).toList());
        assertTrue(ids.stream().allMatch(id -> id.getClientId().equals(client.clientId())));
        assertTrue(client.clientId().matches("[0-9a-f]{32}"), client.clientId());
    }

    @Test
    void writeId_ackedBelowStaysAtOldestUnansweredWrite() throws Exception {
        ScriptedNode node = node((request, index) -> index == 0 ? Reply.silence() : Reply.with(put("k", 9, VALUE)));
        CofferClient client = client(node.address(), builder -> builder);

        CompletableFuture<ObjectInfo> first = client.putAsync("alice", "slow", VALUE);
        waitForRequests(node, 1);
        client.put("alice", "k", VALUE);
        node.answerLater(node.received().get(0), put("slow", 8, VALUE));
        assertEquals(8, first.get(5, TimeUnit.SECONDS).version());
        client.put("alice", "k", VALUE);

        List<WriteId> ids = writeIds(node.requests());
        assertEquals(List.of(1L, 2L, 3L), ids.stream().map(WriteId::getSequence).toList());
        assertEquals(List.of(1L, 1L, 3L), ids.stream().map(WriteId::getAckedBelow).toList());
    }

    @Test
    void close_failsRunningCallsAndRejectsLaterOnes() throws Exception {
        ScriptedNode silent = node((request, index) -> Reply.silence());
        CofferClient client = client(silent.address(), builder -> builder);
        CompletableFuture<ObjectInfo> running = client.putAsync("alice", "k", VALUE);
        waitForRequests(silent, 1);

        client.close();

        ExecutionException failure = assertThrows(ExecutionException.class, () -> running.get(5, TimeUnit.SECONDS));
        UnavailableException closed = assertInstanceOf(UnavailableException.class, failure.getCause());
        assertEquals("CLIENT_CLOSED", closed.status());
        assertTrue(closed.outcomeUnknown(), "the put had reached the node");
        UnavailableException later = assertThrows(UnavailableException.class, () -> client.get("alice", "k"));
        assertEquals("CLIENT_CLOSED", later.status());
    }

    @Test
    void blockingCall_fromCallbackOnIoThread_isRejected() throws Exception {
        ScriptedNode node = node((request, index) -> Reply.with(put("k", 1, VALUE)));
        CofferClient client = client(node.address(), builder -> builder);

        CompletableFuture<Blob> nested = client.putAsync("alice", "k", VALUE)
                .thenApply(info -> client.get("alice", "k"));

        ExecutionException failure = assertThrows(ExecutionException.class, () -> nested.get(5, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, failure.getCause());
        assertEquals(1, node.requests().size(), "the rejected get was never sent");
    }

    private ScriptedNode node(ScriptedNode.Script script) throws InterruptedException {
        ScriptedNode node = new ScriptedNode(script);
        resources.add(node);
        return node;
    }

    /** A client with short timeouts, adjusted by {@code tweak}. */
    private CofferClient client(String endpoints, UnaryOperator<CofferClientBuilder> tweak) {
        CofferClient client = tweak.apply(CofferClient.builder()
                        .endpoints(endpoints)
                        .connectTimeout(Duration.ofSeconds(1))
                        .requestTimeout(Duration.ofSeconds(2))
                        .operationTimeout(Duration.ofSeconds(5))
                        .retryPolicy(RetryPolicy.exponentialBackoff(5, Duration.ofMillis(10), Duration.ofMillis(40))))
                .build();
        resources.add(client);
        return client;
    }

    private static List<WriteId> writeIds(List<Request> requests) {
        return requests.stream()
                .map(r -> r.hasPut() ? r.getPut().getWriteId() : r.getDelete().getWriteId())
                .toList();
    }

    private static void waitForRequests(ScriptedNode node, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (node.requests().size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("node received " + node.requests().size() + " requests, expected " + count);
            }
            Thread.sleep(5);
        }
    }

    /** A port nothing listens on: bound once, then released. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
