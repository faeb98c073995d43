package dev.coffer.check;

import java.util.List;
import java.util.Map;

/**
 * A sequential specification the checker tests a history against.
 *
 * <p>States must be immutable values with {@code equals}/{@code hashCode} (records, immutable
 * collections, strings): the search memoises (linearized operations, state) pairs in a hash set.
 *
 * @param <S> the state
 * @param <I> an operation's input
 * @param <O> an operation's output
 */
public interface Model<S, I, O> {
  S init();

  /**
   * Splits a history into independent parts, each checked on its own (a key-value history per key).
   * Linearizability is compositional over independent objects, so this is exact, and it keeps the
   * exponential search small. The map's order is the order partitions are reported in.
   */
  default Map<String, List<Operation<I, O>>> partition(List<Operation<I, O>> history) {
    return Map.of("all", history);
  }

  /**
   * Applies one operation to {@code state}: is {@code output} a possible answer in that state, and
   * what is the state after? For an operation whose outcome is unknown the model must accept the
   * operation having taken effect (its output says nothing); not taking effect needs no step, since
   * the checker may leave such an operation out.
   */
  Step<S> step(S state, I input, O output);

  default String describeOperation(I input, O output) {
    return input + " -> " + output;
  }

  default String describeState(S state) {
    return String.valueOf(state);
  }

  /** The outcome of {@link #step}: whether the operation is legal, and the state after it. */
  record Step<S>(boolean legal, S state) {
    private static final Step<?> ILLEGAL = new Step<>(false, null);

    public static <S> Step<S> to(S state) {
      return new Step<>(true, state);
    }

    @SuppressWarnings("unchecked")
    public static <S> Step<S> illegal() {
      return (Step<S>) ILLEGAL;
    }
  }
}
