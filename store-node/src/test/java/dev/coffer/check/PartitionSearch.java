package dev.coffer.check;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The linearizability search for one partition: Wing &amp; Gong's backtracking search with Lowe's
 * memoisation, in the form Porcupine uses.
 *
 * <p>The history becomes one list of call and return events in time order. The search walks that
 * list from the front. At a call event it tries to linearize that operation now (apply it to the
 * model); if the model allows it and the resulting (set of linearized operations, state) pair has
 * not been explored before, the operation is "lifted" out of the list — both its events — and the
 * walk restarts from the front. At a return event it is stuck: that operation finished, yet none of
 * the orders tried so far lets it take effect before its return, so the last linearized operation is
 * put back ("unlifted") and the walk continues just after its call event, trying the next candidate.
 * Nothing is left to try when the stack is empty: no linearization exists.
 *
 * <p>Operations that never returned have their return event at +infinity, after every real event.
 * They may be linearized anywhere after their call, or not at all: the search succeeds as soon as
 * every operation that did return has been linearized.
 *
 * <p>The search runs in slices ({@link #advance}) so that a scheduler can share threads between
 * partitions and stop them all once one is found ILLEGAL. Not thread-safe: one thread at a time.
 */
final class PartitionSearch<S, I, O> {
  /** How many steps pass between two looks at the clock. */
  private static final int CLOCK_CHECK_INTERVAL = 1024;

  /** One event of an operation in a doubly linked, time-ordered list; a call event knows its return. */
  private static final class Entry {
    final int op;
    final boolean isCall;
    final long time;
    Entry match;
    Entry prev;
    Entry next;

    Entry(int op, boolean isCall, long time) {
      this.op = op;
      this.isCall = isCall;
      this.time = time;
    }
  }

  /** What to restore when the linearization of {@code call}'s operation is undone. */
  private record Frame<S>(Entry call, S stateBefore, BitSet linearizedBefore) {}

  /** A search position already explored: these operations linearized, ending in this state. */
  private record Explored<S>(BitSet linearized, S state) {}

  private final String name;
  private final Model<S, I, O> model;
  private final List<Operation<I, O>> ops;
  private final Entry head = new Entry(-1, false, Long.MIN_VALUE);

  // The search position, kept between slices.
  private final Deque<Frame<S>> stack = new ArrayDeque<>();
  private final Set<Explored<S>> explored = new HashSet<>();
  private S state;
  private BitSet linearized;
  private int unlinearizedCompleted;
  private Entry entry;
  private long steps;
  private long spentNanos;
  private int maxDepth;
  private DeadEnd<S> deepestDeadEnd;
  private long sliceStart; // while a slice runs

  PartitionSearch(String name, Model<S, I, O> model, List<Operation<I, O>> ops) {
    this.name = name;
    this.model = model;
    this.ops = List.copyOf(ops);
    buildEventList();
    state = model.init();
    linearized = new BitSet(this.ops.size());
    unlinearizedCompleted = (int) this.ops.stream().filter(Operation::returned).count();
    entry = head.next;
  }

  String name() {
    return name;
  }

  /** Search time used so far, over all slices. */
  Duration spent() {
    return Duration.ofNanos(spentNanos);
  }

  /** Searches for up to {@code slice}; the verdict once decided (OK or ILLEGAL), else empty. */
  Optional<PartitionResult> advance(Duration slice) {
    sliceStart = System.nanoTime();
    try {
      return searchUntil(sliceStart + slice.toNanos());
    } finally {
      spentNanos += System.nanoTime() - sliceStart;
      sliceStart = 0;
    }
  }

  /** An UNKNOWN result, saying why the search ended undecided and how far it got. */
  PartitionResult undecided(String why) {
    return result(Verdict.UNKNOWN, why + " (after " + steps + " steps, " + explored.size()
        + " positions explored, at most " + maxDepth + " of " + ops.size() + " operations linearized)");
  }

  private Optional<PartitionResult> searchUntil(long deadline) {
    while (unlinearizedCompleted > 0) {
      if (++steps % CLOCK_CHECK_INTERVAL == 0 && System.nanoTime() - deadline > 0) {
        return Optional.empty();
      }
      if (entry.isCall) {
        Operation<I, O> op = ops.get(entry.op);
        Model.Step<S> step = model.step(state, op.input(), op.output());
        if (step.legal()) {
          BitSet next = (BitSet) linearized.clone();
          next.set(entry.op);
          // Lowe's memoisation: another order that reached the same operations and the same state
          // has already been explored to its end, so this one cannot succeed either.
          if (explored.add(new Explored<>(next, step.state()))) {
            stack.push(new Frame<>(entry, state, linearized));
            maxDepth = Math.max(maxDepth, stack.size());
            state = step.state();
            linearized = next;
            if (op.returned()) {
              unlinearizedCompleted--;
            }
            lift(entry);
            entry = head.next; // any remaining operation may now be the next to take effect
            continue;
          }
        }
        entry = entry.next; // try the next concurrent operation as the next to take effect
      } else {
        // This operation returned but is not linearized: the current prefix cannot be extended.
        noteDeadEnd(entry);
        if (stack.isEmpty()) {
          return Optional.of(result(Verdict.ILLEGAL, deepestDeadEnd.describe(model, ops)));
        }
        Frame<S> frame = stack.pop();
        state = frame.stateBefore();
        linearized = frame.linearizedBefore();
        unlift(frame.call());
        if (ops.get(frame.call().op).returned()) {
          unlinearizedCompleted++;
        }
        entry = frame.call().next; // the undone operation was tried; try the ones after it
      }
    }
    return Optional.of(result(Verdict.OK, ""));
  }

  /**
   * Orders all events by time. At equal times calls come first, so operations that merely touch are
   * taken as concurrent: the lenient reading, which never turns a tie into a false violation.
   */
  private void buildEventList() {
    List<Entry> events = new ArrayList<>(2 * ops.size());
    for (int i = 0; i < ops.size(); i++) {
      Operation<I, O> op = ops.get(i);
      Entry call = new Entry(i, true, op.call());
      Entry ret = new Entry(i, false, op.returnTime());
      call.match = ret;
      events.add(call);
      events.add(ret);
    }
    events.sort(Comparator.<Entry>comparingLong(e -> e.time)
        .thenComparing(e -> !e.isCall)
        .thenComparingInt(e -> e.op));
    Entry last = head;
    for (Entry e : events) {
      last.next = e;
      e.prev = last;
      last = e;
    }
  }

  /** Removes an operation's call and return events from the list; they keep their own links. */
  private static void lift(Entry call) {
    call.prev.next = call.next;
    call.next.prev = call.prev; // a call is always followed by at least its own return
    Entry ret = call.match;
    ret.prev.next = ret.next;
    if (ret.next != null) {
      ret.next.prev = ret.prev;
    }
  }

  /** Puts back what {@link #lift} removed; undone in reverse order, the saved links are exact. */
  private static void unlift(Entry call) {
    Entry ret = call.match;
    ret.prev.next = ret;
    if (ret.next != null) {
      ret.next.prev = ret;
    }
    call.prev.next = call;
    call.next.prev = call;
  }

  /** Keeps the deepest point the search got stuck at: it explains an ILLEGAL verdict best. */
  private void noteDeadEnd(Entry blocked) {
    if (deepestDeadEnd != null && deepestDeadEnd.prefix().size() >= stack.size()) {
      return;
    }
    List<Integer> prefix = new ArrayList<>(stack.size());
    stack.descendingIterator().forEachRemaining(f -> prefix.add(f.call().op));
    List<Integer> candidates = new ArrayList<>();
    for (Entry e = head.next; e != blocked; e = e.next) {
      candidates.add(e.op); // every event before the blocking return is a call
    }
    deepestDeadEnd = new DeadEnd<>(prefix, state, blocked.op, candidates);
  }

  private PartitionResult result(Verdict verdict, String explanation) {
    long running = sliceStart == 0 ? 0 : System.nanoTime() - sliceStart;
    return new PartitionResult(name, verdict, ops.size(), Duration.ofNanos(spentNanos + running), explanation);
  }
}
