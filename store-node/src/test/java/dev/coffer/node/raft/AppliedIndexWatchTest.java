package dev.coffer.node.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.proto.Status;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AppliedIndexWatchTest {
  private final AppliedIndexWatch watch = new AppliedIndexWatch();

  @Test
  void await_indexAlreadyApplied_doneAtOnce() {
    watch.applied(10);
    assertTrue(watch.await(10, Duration.ofSeconds(1)).isDone());
    assertTrue(watch.await(3, Duration.ofSeconds(1)).isDone());
  }

  @Test
  void await_laterIndex_doneWhenItIsApplied() {
    watch.applied(5);
    CompletableFuture<Void> seven = watch.await(7, Duration.ofSeconds(10));
    CompletableFuture<Void> nine = watch.await(9, Duration.ofSeconds(10));
    watch.applied(6);
    assertFalse(seven.isDone());
    watch.applied(8);
    assertTrue(seven.isDone() && !seven.isCompletedExceptionally());
    assertFalse(nine.isDone());
    watch.applied(4); // never backwards
    assertEquals(8, watch.appliedIndex());
    watch.applied(20); // a snapshot install jumps ahead
    assertTrue(nine.isDone());
    assertEquals(0, watch.waiting());
  }

  @Test
  void await_notAppliedWithinTheBound_unavailableAndForgotten() {
    CompletableFuture<Void> late = watch.await(3, Duration.ofMillis(50));
    ExecutionException e = assertThrows(ExecutionException.class, () -> late.get(5, TimeUnit.SECONDS));
    assertEquals(Status.UNAVAILABLE, assertInstanceOf(ClusterRejectedException.class, e.getCause()).status());
    assertEquals(0, watch.waiting(), "a read that gave up holds nothing");
  }
}
