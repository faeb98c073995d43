package dev.coffer.node.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.coffer.proto.Command;
import dev.coffer.proto.CommandResults;
import dev.coffer.proto.LogEntry;
import dev.coffer.proto.PutRequest;
import dev.coffer.proto.Response;
import dev.coffer.proto.Status;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * Group commit and read barriers, with the Raft proposal replaced by futures the test completes.
 * Two entries may be in flight here (the node runs one), so the tests also cover pipelining.
 */
class WriteProposerTest {
  final List<LogEntry> proposed = new ArrayList<>();
  final List<CompletableFuture<CommandResults>> pending = new ArrayList<>();
  final WriteProposer proposer = new WriteProposer(entry -> {
    proposed.add(entry);
    CompletableFuture<CommandResults> f = new CompletableFuture<>();
    pending.add(f);
    return f;
  }, Clock.fixed(Instant.ofEpochMilli(1234), ZoneOffset.UTC), 1 << 20, 2, new WriteProposer.Stamp(0, 60_000));

  static Command put(String key) {
    return Command.newBuilder().setPut(PutRequest.newBuilder().setUser("u").setKey(ByteString.copyFromUtf8(key))).build();
  }

  /** Completes the {@code n}th proposal as if applied at {@code index}, one OK result per command. */
  void commit(int n, long index) {
    CommandResults.Builder results = CommandResults.newBuilder().setLogIndex(index);
    for (int i = 0; i < proposed.get(n).getCommandsCount(); i++) {
      results.addResults(Response.newBuilder().setStatus(Status.OK));
    }
    pending.get(n).complete(results.build());
  }

  @Test
  void submit_whileEntriesInFlight_packsQueueIntoNextEntry() throws Exception {
    CompletableFuture<Response> a = proposer.submit(put("a"));
    CompletableFuture<Response> b = proposer.submit(put("b"));
    assertEquals(2, proposed.size(), "two entries may be in flight");
    CompletableFuture<Response> c = proposer.submit(put("c"));
    CompletableFuture<Response> d = proposer.submit(put("d"));
    assertEquals(2, proposed.size(), "the rest waits");
    commit(0, 10);
    assertEquals(Status.OK, a.get().getStatus());
    assertEquals(3, proposed.size());
    assertEquals(2, proposed.get(2).getCommandsCount(), "c and d share one entry");
    assertEquals(1234, proposed.get(2).getTimestampMillis(), "the leader's clock stamps the entry");
    commit(1, 11);
    commit(2, 12);
    assertEquals(Status.OK, b.get().getStatus());
    assertEquals(Status.OK, c.get().getStatus());
    assertEquals(Status.OK, d.get().getStatus());
  }

  @Test
  void submit_sameKeyTwice_neverInOneEntry() {
    proposer.submit(put("x"));
    proposer.submit(put("y"));
    proposer.submit(put("k"));
    proposer.submit(put("k"));
    commit(0, 1);
    assertEquals(1, proposed.get(2).getCommandsCount(), "the second write of k waits for its own entry");
    commit(1, 2);
    commit(2, 3);
    assertEquals(1, proposed.get(3).getCommandsCount());
  }

  @Test
  void submit_secondWriteToAKey_staysQueuedInOrderWhileLaterWritesArePacked() {
    proposer.submit(put("x"));
    proposer.submit(put("y"));
    proposer.submit(put("k"));
    proposer.submit(put("k"));
    proposer.submit(put("m"));
    proposer.submit(put("k"));
    commit(0, 1);
    LogEntry third = proposed.get(2);
    assertEquals(List.of("k", "m"), keys(third), "m is packed past the second write of k");
    commit(1, 2);
    assertEquals(List.of("k"), keys(proposed.get(3)), "the second write of k goes next, alone");
    commit(2, 3);
    commit(3, 4);
    assertEquals(List.of("k"), keys(proposed.get(4)), "then the third");
  }

  private static List<String> keys(LogEntry entry) {
    return entry.getCommandsList().stream().map(c -> c.getPut().getKey().toStringUtf8()).toList();
  }

  @Test
  void defaultProposer_keepsOneEntryInFlightAndPacksTheRest() {
    WriteProposer single = new WriteProposer(entry -> {
      proposed.add(entry);
      CompletableFuture<CommandResults> f = new CompletableFuture<>();
      pending.add(f);
      return f;
    }, Clock.systemUTC(), 1 << 20, new WriteProposer.Stamp(0, 60_000));
    single.submit(put("a"));
    single.submit(put("b"));
    single.submit(put("c"));
    assertEquals(1, proposed.size());
    commit(0, 1);
    assertEquals(List.of("b", "c"), keys(proposed.get(1)));
  }

  @Test
  void barrier_withNoWrites_sendsEmptyEntryAndReturnsItsIndex() throws Exception {
    CompletableFuture<Long> barrier = proposer.barrier();
    assertEquals(1, proposed.size());
    assertEquals(0, proposed.get(0).getCommandsCount());
    assertFalse(barrier.isDone());
    commit(0, 42);
    assertEquals(42L, barrier.get());
  }

  @Test
  void barrier_askedWhileEntriesInFlight_waitsForAnEntryProposedAfterIt() throws Exception {
    proposer.submit(put("a"));
    proposer.submit(put("b"));
    CompletableFuture<Long> barrier = proposer.barrier();
    commit(0, 5);
    commit(1, 6);
    assertFalse(barrier.isDone(), "entries proposed before the barrier prove nothing about leadership after it");
    assertEquals(3, proposed.size());
    commit(2, 7);
    assertEquals(7L, barrier.get());
  }

  @Test
  void barrier_ridesAlongWithQueuedWrites() throws Exception {
    proposer.submit(put("a"));
    proposer.submit(put("b"));
    proposer.submit(put("c"));
    CompletableFuture<Long> barrier = proposer.barrier();
    commit(0, 1);
    assertEquals(3, proposed.size());
    assertEquals(1, proposed.get(2).getCommandsCount(), "no extra entry: the barrier shares c's");
    commit(1, 2);
    commit(2, 3);
    assertEquals(3L, barrier.get());
    assertEquals(3, proposed.size());
  }

  @Test
  void proposalFailure_failsEveryWriteAndBarrierOfThatEntry() {
    CompletableFuture<Response> a = proposer.submit(put("a"));
    CompletableFuture<Long> barrier = proposer.barrier();
    pending.get(0).completeExceptionally(new ClusterRejectedException(Status.NOT_LEADER, "deposed", ""));
    pending.get(1).completeExceptionally(new ClusterRejectedException(Status.NOT_LEADER, "deposed", ""));
    assertTrue(a.isCompletedExceptionally());
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, barrier::get);
    assertTrue(e.getCause() instanceof ClusterRejectedException);
  }
}
