package dev.coffer.client;

import static dev.coffer.client.ScriptedResponses.bytes;
import static dev.coffer.client.ScriptedResponses.crc32c;
import static dev.coffer.client.ScriptedResponses.meta;
import static dev.coffer.client.ScriptedResponses.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.coffer.client.ScriptedNode.Reply;
import dev.coffer.proto.GetResult;
import dev.coffer.proto.ListRequest;
import dev.coffer.proto.ListResult;
import dev.coffer.proto.PutRequest;
import dev.coffer.proto.Request;
import dev.coffer.proto.Response;
import dev.coffer.proto.Status;
import dev.coffer.proto.StatusResult;
import dev.coffer.proto.UsageResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each operation's request fields and result mapping, and the status-to-exception mapping. */
class CofferClientOperationsTest {
    private static final byte[] VALUE = bytes("hello");

    private ScriptedNode node;
    private CofferClient client;

    @BeforeEach
    void start() throws InterruptedException {
        node = new ScriptedNode((request, index) -> Reply.status(Status.INTERNAL));
        client = CofferClient.builder()
                .endpoints(node.address())
                .requestTimeout(Duration.ofMillis(500))
                .operationTimeout(Duration.ofSeconds(3))
                .retryPolicy(RetryPolicy.exponentialBackoff(3, Duration.ofMillis(5), Duration.ofMillis(10)))
                .maxFrameBytes(4096)
                .build();
    }

    @AfterEach
    void stop() {
        client.close();
        node.close();
    }

    @Test
    void put_sendsKeyValueChecksumAndCondition_returnsMetadata() {
        answer(ScriptedResponses.put("ключ", 12, VALUE));

        ObjectInfo info = client.put("alice", "ключ", VALUE, PutOptions.ifVersion(11));

        PutRequest sent = onlyRequest().getPut();
        assertEquals("alice", sent.getUser());
        assertEquals(ByteString.copyFromUtf8("ключ"), sent.getKey());
        assertEquals(ByteString.copyFrom(VALUE), sent.getValue());
        assertEquals(crc32c(VALUE), sent.getCrc32C());
        assertEquals(11, sent.getIfVersion());
        assertFalse(sent.getIfAbsent());
        assertEquals(new ObjectInfo("ключ", 12, VALUE.length, crc32c(VALUE),
                Instant.ofEpochMilli(ScriptedResponses.CREATED_MILLIS),
                Instant.ofEpochMilli(ScriptedResponses.MODIFIED_MILLIS)), info);
    }

    @Test
    void put_ifAbsent_setsOnlyTheAbsentCondition() {
        answer(ScriptedResponses.put("k", 1, VALUE));

        client.put("alice", "k", VALUE, PutOptions.ifAbsent());

        assertTrue(onlyRequest().getPut().getIfAbsent());
        assertEquals(0, onlyRequest().getPut().getIfVersion());
    }

    @Test
    void get_returnsValueAndMetadata_staleOptionSetsFlag() {
        answer(ScriptedResponses.get("k", 4, VALUE));

        Blob blob = client.get("alice", "k", ReadOptions.stale());

        assertArrayEquals(VALUE, blob.value());
        assertEquals(4, blob.info().version());
        assertTrue(onlyRequest().getGet().getStaleOk());
    }

    @Test
    void get_valueNotMatchingItsChecksum_throwsCorruptDataWithoutRetry() {
        answer(ok().setGet(GetResult.newBuilder().setMeta(meta("k", 4, VALUE)).setValue(ByteString.copyFrom(bytes("hellp")))));

        CorruptDataException failure = assertThrows(CorruptDataException.class, () -> client.get("alice", "k"));

        assertEquals("CORRUPT_DATA", failure.status());
        assertTrue(failure.getMessage().contains("does not match"), failure.getMessage());
        assertEquals(1, node.requests().size());
    }

    @Test
    void head_missingKey_returnsEmpty() {
        answer(Response.newBuilder().setStatus(Status.NOT_FOUND));

        assertEquals(Optional.empty(), client.head("alice", "k"));
    }

    @Test
    void head_existingKey_returnsMetadata() {
        answer(ScriptedResponses.head("k", 5, VALUE));

        assertEquals(5, client.head("alice", "k").orElseThrow().version());
        assertFalse(onlyRequest().getHead().getStaleOk());
    }

    @Test
    void delete_conditional_sendsVersionAndReturnsWhetherItExisted() {
        answer(ScriptedResponses.delete(false, 9));

        assertFalse(client.delete("alice", "k", DeleteOptions.ifVersion(3)));
        assertEquals(3, onlyRequest().getDelete().getIfVersion());
        assertEquals(1, onlyRequest().getDelete().getWriteId().getSequence());
    }

    @Test
    void list_sendsOptions_andReturnsPageWithNextStartAfter() {
        answer(ok().setList(ListResult.newBuilder()
                .addObjects(meta("p/1", 1, VALUE)).addObjects(meta("p/2", 2, VALUE)).setTruncated(true)));

        ListPage page = client.list("alice", ListOptions.builder()
                .prefix("p/").startAfter("p/0").limit(2).readOptions(ReadOptions.stale()).build());

        ListRequest sent = onlyRequest().getList();
        assertEquals("p/", sent.getPrefix().toStringUtf8());
        assertEquals("p/0", sent.getStartAfter().toStringUtf8());
        assertEquals(2, sent.getLimit());
        assertTrue(sent.getStaleOk());
        assertEquals(List.of("p/1", "p/2"), page.objects().stream().map(ObjectInfo::key).toList());
        assertEquals(Optional.of("p/2"), page.nextStartAfter());
    }

    @Test
    void listAll_pagesThroughEveryMatchingObject() {
        List<String> keys = List.of("a", "b", "c", "d", "e");
        node.script((request, index) -> {
            String after = request.getList().getStartAfter().toStringUtf8();
            List<String> rest = keys.stream().filter(key -> key.compareTo(after) > 0).toList();
            ListResult.Builder page = ListResult.newBuilder().setTruncated(rest.size() > 2);
            rest.stream().limit(2).forEach(key -> page.addObjects(meta(key, 1, VALUE)));
            return Reply.with(ok().setList(page));
        });

        List<String> listed = client.listAll("alice", "").map(ObjectInfo::key).toList();

        assertEquals(keys, listed);
        assertEquals(List.of("", "b", "d"), node.requests().stream()
                .map(request -> request.getList().getStartAfter().toStringUtf8()).toList());
    }

    @Test
    void usage_returnsBytesAndObjects() {
        answer(ok().setUsage(UsageResult.newBuilder().setBytes(1234).setObjects(5)));

        assertEquals(new Usage(1234, 5), client.usage("alice"));
        assertEquals("alice", onlyRequest().getUsage().getUser());
    }

    @Test
    void status_asksExactlyTheNamedNode() throws Exception {
        try (ScriptedNode other = new ScriptedNode((request, index) -> Reply.with(ok().setStatusResult(
                StatusResult.newBuilder().setNodeId("n2").setRole("FOLLOWER").setTerm(3).setCommitIndex(40)
                        .setAppliedIndex(39).setClientAddress("127.0.0.1:7102").setLeaderId("n1")
                        .setDataBytes(1000).setDiskFreeBytes(5000).setVersion("0.1.0")
                        .addPeers(dev.coffer.proto.PeerInfo.newBuilder().setId("n1").setClientAddress("h:1")
                                .setRaftAddress("h:2").setVoter(true)))))) {

            NodeStatus status = client.status(other.address());

            assertEquals(new NodeStatus("n2", "FOLLOWER", 3, 40, 39, "127.0.0.1:7102", "n1",
                    List.of(new PeerInfo("n1", "h:1", "h:2", true)), 1000, 5000, "0.1.0", true, ""), status);
            assertEquals(0, node.requests().size());
            assertEquals(1, other.requests().size());
        }
    }

    @Test
    void status_nodeNotAnswering_failsAfterOneAttempt() {
        node.script((request, index) -> Reply.silence());

        UnavailableException failure = assertThrows(UnavailableException.class, () -> client.status(node.address()));

        assertEquals("TIMEOUT", failure.status());
        assertEquals(1, node.requests().size());
    }

    @Test
    void status_malformedEndpoint_throwsInvalidArgument() {
        InvalidArgumentException failure = assertThrows(InvalidArgumentException.class, () -> client.status("nohost"));

        assertTrue(failure.getMessage().contains("'nohost' is not host:port"), failure.getMessage());
    }

    static Stream<Arguments> finalStatuses() {
        return Stream.of(
                Arguments.of(Status.NOT_FOUND, NotFoundException.class),
                Arguments.of(Status.VERSION_CONFLICT, VersionConflictException.class),
                Arguments.of(Status.INVALID_ARGUMENT, InvalidArgumentException.class),
                Arguments.of(Status.VALUE_TOO_LARGE, ValueTooLargeException.class),
                Arguments.of(Status.CORRUPT_DATA, CorruptDataException.class),
                Arguments.of(Status.WRITE_ID_REUSED, WriteIdReusedException.class),
                Arguments.of(Status.UNKNOWN_OPERATION, CofferException.class),
                Arguments.of(Status.MALFORMED_FRAME, CofferException.class),
                Arguments.of(Status.INTERNAL, CofferException.class),
                Arguments.of(Status.STATUS_UNSPECIFIED, CofferException.class));
    }

    @ParameterizedTest
    @MethodSource("finalStatuses")
    void put_finalFailureStatus_throwsItsExceptionWithoutRetry(Status status, Class<? extends CofferException> type) {
        answer(Response.newBuilder().setStatus(status).setErrorMessage("because"));

        CofferException failure = assertThrows(CofferException.class, () -> client.put("alice", "k", VALUE));

        assertEquals(type, failure.getClass());
        assertEquals(status.name(), failure.status());
        assertEquals("put (user alice, key 'k'): because", failure.getMessage());
        assertEquals(1, node.requests().size());
    }

    @Test
    void unavailableEveryTime_throwsUnavailableAfterMaxAttempts() {
        answer(Response.newBuilder().setStatus(Status.UNAVAILABLE).setErrorMessage("no leader"));

        UnavailableException failure = assertThrows(UnavailableException.class, () -> client.get("alice", "k"));

        assertEquals("UNAVAILABLE", failure.status());
        assertTrue(failure.getMessage().contains("no leader"), failure.getMessage());
        assertEquals(3, node.requests().size());
    }

    @Test
    void getAsync_failure_completesWithTheUnwrappedException() throws Exception {
        answer(Response.newBuilder().setStatus(Status.NOT_FOUND));

        CompletableFuture<Throwable> failure = client.getAsync("alice", "k").handle((blob, error) -> error);

        assertInstanceOf(NotFoundException.class, failure.get(5, TimeUnit.SECONDS));
    }

    @Test
    void invalidArguments_failBeforeAnythingIsSent() throws Exception {
        assertThrows(InvalidArgumentException.class, () -> client.put(null, "k", VALUE));
        assertThrows(InvalidArgumentException.class, () -> client.put("alice", "", VALUE));
        assertThrows(InvalidArgumentException.class, () -> client.put("alice", "k", null));
        assertThrows(InvalidArgumentException.class, () -> client.get("", "k"));
        assertThrows(InvalidArgumentException.class, () -> client.listAll("alice", (String) null));
        Throwable asyncFailure = client.deleteAsync("alice", null).handle((existed, error) -> error)
                .get(5, TimeUnit.SECONDS);

        assertInstanceOf(InvalidArgumentException.class, asyncFailure);
        assertEquals(0, node.requests().size());
    }

    @Test
    void put_requestAboveMaxFrame_throwsValueTooLargeWithoutSending() {
        ValueTooLargeException failure = assertThrows(ValueTooLargeException.class,
                () -> client.put("alice", "k", new byte[5000]));

        assertTrue(failure.getMessage().contains("maxFrameBytes of 4096"), failure.getMessage());
        assertEquals(0, node.requests().size());
    }

    private void answer(Response.Builder response) {
        node.script((request, index) -> Reply.with(response));
    }

    private Request onlyRequest() {
        List<Request> requests = node.requests();
        assertEquals(1, requests.size());
        return requests.get(0);
    }
}
