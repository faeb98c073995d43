package org.apache.ratis.server.impl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.server.impl.ServerImplUtils.NavigableIndices;
import org.junit.jupiter.api.Test;

/**
 * Why Coffer turns off Ratis's composed follower appends ({@code raft.server.log.append-entries.compose.enabled}):
 * in Ratis 3.3.0 the chain that orders a follower's appends keeps a failed future, so after one failed
 * append every later append fails with that same error without being tried. A follower of the fault
 * suite stayed behind for good that way ("gap between entries 38197 and 38194" on every request, for
 * minutes, through leader changes). This test pins the Ratis behaviour: if it starts failing, a Ratis
 * upgrade fixed the chain and the setting in {@code RaftSettings} can be reconsidered.
 */
class ComposedAppendChainTest {
  private static LogEntryProto entry(long term, long index) {
    return LogEntryProto.newBuilder().setTerm(term).setIndex(index).build();
  }

  @Test
  void afterOneFailedAppend_laterAppendsFailWithoutBeingTried() {
    NavigableIndices chain = new NavigableIndices();
    CompletableFuture<Void> failed = chain.append(List.of(entry(4, 38197)),
        entries -> CompletableFuture.failedFuture(new IllegalStateException("gap between entries 38197 and 38194")));
    assertThrows(CompletionException.class, failed::join);

    AtomicBoolean tried = new AtomicBoolean();
    CompletableFuture<Void> next = chain.append(List.of(entry(4, 38195), entry(4, 38196)), entries -> {
      tried.set(true);
      return CompletableFuture.completedFuture(null);
    });
    CompletionException e = assertThrows(CompletionException.class, next::join);
    assertFalse(tried.get(), "the later, valid append was never even tried");
    assertTrue(e.getCause().getMessage().contains("38197 and 38194"),
        "it fails with the first append's error: " + e.getCause());
  }
}
