package dev.coffer.check;

/**
 * One operation of a concurrent history: a client's call and its reply.
 *
 * <p>Times are from one monotonic clock (any unit). An operation whose outcome is unknown — the
 * request may or may not have taken effect, e.g. it timed out — has {@code returnTime == NEVER}: the
 * checker may place it anywhere after its call, or leave it out. Its {@code output} is the model's
 * "unknown" value (and only such operations may carry it: a model accepts any effect for it).
 */
public record Operation<I, O>(int clientId, I input, long call, long returnTime, O output) {
  /** The return time of an operation that never got a reply. */
  public static final long NEVER = Long.MAX_VALUE;

  public Operation {
    if (input == null) {
      throw new IllegalArgumentException("an operation needs an input");
    }
    if (returnTime < call) {
      throw new IllegalArgumentException("operation " + input + " of client " + clientId
          + " returns (" + returnTime + ") before its call (" + call + ")");
    }
  }

  /** An operation whose reply was seen. */
  public static <I, O> Operation<I, O> completed(int clientId, I input, long call, long returnTime, O output) {
    return new Operation<>(clientId, input, call, returnTime, output);
  }

  /** An operation with an unknown outcome: it may have taken effect at any time after its call, or never. */
  public static <I, O> Operation<I, O> pending(int clientId, I input, long call, O unknownOutput) {
    return new Operation<>(clientId, input, call, NEVER, unknownOutput);
  }

  public boolean returned() {
    return returnTime != NEVER;
  }
}
