package dev.coffer.check;

import java.util.List;

/**
 * Where the search got stuck: after linearizing {@code prefix} (ending in {@code state}), operation
 * {@code blocked} returned while none of {@code candidates} (the operations whose call came before
 * that return, {@code blocked} among them) could take effect next. Indexes are into the partition.
 */
record DeadEnd<S>(List<Integer> prefix, S state, int blocked, List<Integer> candidates) {
  /** How many operations of the prefix to show: the last ones lead straight to the problem. */
  private static final int PREFIX_SHOWN = 6;
  private static final int CANDIDATES_SHOWN = 8;

  <I, O> String describe(Model<S, I, O> model, List<Operation<I, O>> ops) {
    long origin = ops.stream().mapToLong(Operation::call).min().orElse(0);
    StringBuilder b = new StringBuilder("not linearizable. The longest linearizable prefix has ")
        .append(prefix.size()).append(" of ").append(ops.size()).append(" operations");
    int from = Math.max(0, prefix.size() - PREFIX_SHOWN);
    b.append(from > 0 ? "; its last " + (prefix.size() - from) + ":" : ":");
    for (int i = from; i < prefix.size(); i++) {
      b.append("\n    ").append(describe(model, ops.get(prefix.get(i)), origin));
    }
    b.append("\n  state after it: ").append(model.describeState(state));
    b.append("\n  and this operation returned before any order of the remaining ones let it take effect:");
    b.append("\n    ").append(describe(model, ops.get(blocked), origin));
    List<Integer> others = candidates.stream().filter(c -> c != blocked).toList();
    if (!others.isEmpty()) {
      b.append("\n  (the other operations that could have come next:");
      for (int c : others.subList(0, Math.min(others.size(), CANDIDATES_SHOWN))) {
        b.append("\n    ").append(describe(model, ops.get(c), origin));
      }
      if (others.size() > CANDIDATES_SHOWN) {
        b.append("\n    ... and ").append(others.size() - CANDIDATES_SHOWN).append(" more");
      }
      b.append(")");
    }
    return b.toString();
  }

  private static <S, I, O> String describe(Model<S, I, O> model, Operation<I, O> op, long origin) {
    String ret = op.returned() ? "+" + (op.returnTime() - origin) : "never";
    return "client " + op.clientId() + ": " + model.describeOperation(op.input(), op.output())
        + "   [call +" + (op.call() - origin) + ", return " + ret + "]";
  }
}
