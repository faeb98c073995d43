package dev.coffer.check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An exact check of grow-only-set histories ({@link SetModel}) that stays fast where the general
 * search cannot: adds commute, so to prove a violation the search would try every set of adds that
 * could have taken effect before a read — exponential in the number of adds without a reply.
 *
 * <p>Instead: such a history is linearizable iff these "must come before" constraints have no
 * cycle — an operation that returned comes before every operation called after that; an add comes
 * before every read that saw its element; a read comes before every add whose element it did not see
 * — and every element a read saw was added. (Any order that meets the constraints is a linearization:
 * each read then follows exactly the adds of what it saw; any linearization meets them.) Adds without
 * a reply that no read saw are left out, as they may never have taken effect; reads without a reply
 * constrain nothing. Real-time order goes through a chain of return events, so the graph stays
 * linear in size apart from one edge per (read, add) pair.
 */
public final class SetHistoryChecker {
  private final List<Operation<SetOp, SetResult>> ops; // kept adds and reads: the graph's first nodes
  private final List<List<Integer>> edges = new ArrayList<>();
  private final long origin;

  private SetHistoryChecker(List<Operation<SetOp, SetResult>> ops) {
    this.ops = ops;
    this.origin = ops.stream().mapToLong(Operation::call).min().orElse(0);
  }

  public static CheckResult check(List<Operation<SetOp, SetResult>> history) {
    long start = System.nanoTime();
    List<Operation<SetOp, SetResult>> reads = history.stream()
        .filter(op -> op.input().kind() == SetOp.Kind.READ && op.returned())
        .toList();
    Map<String, Operation<SetOp, SetResult>> addOf = new HashMap<>();
    for (Operation<SetOp, SetResult> op : history) {
      if (op.input().kind() == SetOp.Kind.ADD && addOf.put(op.input().element(), op) != null) {
        throw new IllegalArgumentException(
            "element " + op.input().element() + " is added twice; the set model needs unique adds");
      }
    }
    for (Operation<SetOp, SetResult> read : reads) {
      if (read.output().kind() != SetResult.Kind.ELEMENTS) {
        throw new IllegalArgumentException("a read that returned needs its elements, got " + read.output());
      }
    }
    String explanation = neverAdded(reads, addOf.keySet());
    List<Operation<SetOp, SetResult>> kept = new ArrayList<>(reads);
    if (explanation == null) {
      for (Operation<SetOp, SetResult> add : addOf.values()) {
        String e = add.input().element();
        if (add.returned() || reads.stream().anyMatch(r -> r.output().elements().contains(e))) {
          kept.add(add);
        }
      }
      explanation = new SetHistoryChecker(kept).findCycle();
    }
    Verdict verdict = explanation == null ? Verdict.OK : Verdict.ILLEGAL;
    return CheckResult.of(List.of(new PartitionResult("set", verdict, kept.size(),
        Duration.ofNanos(System.nanoTime() - start), explanation == null ? "" : explanation)));
  }

  private static String neverAdded(List<Operation<SetOp, SetResult>> reads, Set<String> added) {
    for (Operation<SetOp, SetResult> read : reads) {
      for (String e : read.output().elements()) {
        if (!added.contains(e)) {
          return "not linearizable: client " + read.clientId() + "'s read saw " + e + ", which nothing added";
        }
      }
    }
    return null;
  }

  /** Builds the constraint graph and returns a description of one cycle in it, or null if there is none. */
  private String findCycle() {
    int n = ops.size();
    Integer[] byReturn = new Integer[n];
    Arrays.setAll(byReturn, i -> i);
    Arrays.sort(byReturn, Comparator.comparingLong(i -> ops.get(i).returnTime()));
    int chainLength = (int) ops.stream().filter(Operation::returned).count();
    for (int i = 0; i < n + chainLength; i++) {
      edges.add(new ArrayList<>());
    }
    // Node n + k is the k-th return event in time: each operation that returned leads to its own
    // event, each event to the next, and an operation is reached from the last event before its call.
    long[] returnTimes = new long[chainLength];
    for (int k = 0; k < chainLength; k++) {
      returnTimes[k] = ops.get(byReturn[k]).returnTime();
      edges.get(byReturn[k]).add(n + k);
      if (k + 1 < chainLength) {
        edges.get(n + k).add(n + k + 1);
      }
    }
    for (int b = 0; b < n; b++) {
      int before = lastBelow(returnTimes, ops.get(b).call());
      if (before >= 0) {
        edges.get(n + before).add(b);
      }
    }
    for (int r = 0; r < n; r++) {
      if (ops.get(r).input().kind() != SetOp.Kind.READ) {
        continue;
      }
      Set<String> seen = ops.get(r).output().elements();
      for (int a = 0; a < n; a++) {
        if (ops.get(a).input().kind() == SetOp.Kind.ADD) {
          if (seen.contains(ops.get(a).input().element())) {
            edges.get(a).add(r);
          } else {
            edges.get(r).add(a);
          }
        }
      }
    }
    List<Integer> cycle = new CycleFinder(edges).find();
    return cycle == null ? null : describe(cycle);
  }

  /** The index of the last of the sorted {@code times} strictly below {@code t}, or -1. */
  private static int lastBelow(long[] times, long t) {
    int lo = 0;
    int hi = times.length; // answer in [lo - 1, hi - 1]
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (times[mid] < t) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo - 1;
  }

  /** Describes a cycle of nodes (operations and return events) as the chain of contradictory constraints. */
  private String describe(List<Integer> cycle) {
    // Start at an operation, so the description reads from one operation to the next.
    int first = 0;
    while (cycle.get(first) >= ops.size()) {
      first++;
    }
    List<Integer> opsInOrder = new ArrayList<>();
    List<Boolean> viaTime = new ArrayList<>(); // whether the step from the previous operation is real time
    boolean sawEvent = false;
    for (int i = 1; i <= cycle.size(); i++) {
      int node = cycle.get((first + i) % cycle.size());
      if (node >= ops.size()) {
        sawEvent = true;
        continue;
      }
      opsInOrder.add(node);
      viaTime.add(sawEvent);
      sawEvent = false;
    }
    StringBuilder b = new StringBuilder(
        "not linearizable: these operations would each have to take effect before the next, in a circle:");
    int previous = cycle.get(first);
    for (int i = 0; i < opsInOrder.size(); i++) {
      int next = opsInOrder.get(i);
      b.append("\n    ").append(describe(ops.get(previous))).append("\n      before ")
          .append(describe(ops.get(next))).append(", ").append(reason(previous, next, viaTime.get(i)));
      previous = next;
    }
    return b.toString();
  }

  private String reason(int from, int to, boolean viaTime) {
    if (viaTime) {
      return "as it returned before that was called";
    }
    Operation<SetOp, SetResult> add = ops.get(from).input().kind() == SetOp.Kind.ADD ? ops.get(from) : ops.get(to);
    return add == ops.get(from) ? "as the read saw " + add.input().element()
        : "as the read did not see " + add.input().element();
  }

  private String describe(Operation<SetOp, SetResult> op) {
    String ret = op.returned() ? "+" + (op.returnTime() - origin) : "never";
    return "client " + op.clientId() + ": " + op.input() + " -> " + op.output()
        + " [call +" + (op.call() - origin) + ", return " + ret + "]";
  }
}
