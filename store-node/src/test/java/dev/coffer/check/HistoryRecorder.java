package dev.coffer.check;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Records a concurrent history as clients run. Thread-safe. Take the call before sending a request
 * and complete it after its reply, so each operation's interval covers the moment it took effect:
 *
 * <pre>{@code
 * HistoryRecorder.Call<RegisterOp, RegisterResult> call = recorder.invoke(client, RegisterOp.put(k, v));
 * try {
 *   call.ok(RegisterResult.ok(store.put(k, v).version()));
 * } catch (RejectedBeforeApplying e) {
 *   call.fail();      // certainly had no effect
 * } catch (TimeoutException e) {
 *   call.unknown();   // may have had an effect, at any time from now on
 * }
 * }</pre>
 *
 * <p>Times come from one monotonic clock, {@code System.nanoTime} unless another is injected.
 */
public final class HistoryRecorder<I, O> {
  private final O unknownOutput;
  private final LongSupplier clock;
  private final List<Call<I, O>> calls = new ArrayList<>();

  /** @param unknownOutput the model's output for an operation without a reply, e.g. {@code RegisterResult.unknown()} */
  public HistoryRecorder(O unknownOutput) {
    this(unknownOutput, System::nanoTime);
  }

  public HistoryRecorder(O unknownOutput, LongSupplier clock) {
    this.unknownOutput = unknownOutput;
    this.clock = clock;
  }

  /** Notes the call of an operation now; complete the returned handle exactly once. */
  public Call<I, O> invoke(int clientId, I input) {
    Call<I, O> call = new Call<>(this, clientId, input, clock.getAsLong());
    synchronized (this) {
      calls.add(call);
    }
    return call;
  }

  /**
   * The history so far, in call order. Failed operations are left out; operations still open count
   * as unknown (their reply may yet come, or never).
   */
  public synchronized List<Operation<I, O>> history() {
    List<Operation<I, O>> ops = new ArrayList<>(calls.size());
    for (Call<I, O> c : calls) {
      if (c.state == Call.State.OPEN || c.state == Call.State.UNKNOWN) {
        ops.add(Operation.pending(c.clientId, c.input, c.callTime, unknownOutput));
      } else if (c.state == Call.State.OK) {
        ops.add(Operation.completed(c.clientId, c.input, c.callTime, c.returnTime, c.output));
      }
    }
    return ops;
  }

  /** One operation in progress. */
  public static final class Call<I, O> {
    private enum State { OPEN, OK, FAILED, UNKNOWN }

    private final HistoryRecorder<I, O> recorder;
    private final int clientId;
    private final I input;
    private final long callTime;
    private State state = State.OPEN; // guarded by recorder
    private long returnTime;
    private O output;

    private Call(HistoryRecorder<I, O> recorder, int clientId, I input, long callTime) {
      this.recorder = recorder;
      this.clientId = clientId;
      this.input = input;
      this.callTime = callTime;
    }

    /** The operation took effect and replied {@code output}. */
    public void ok(O output) {
      long now = recorder.clock.getAsLong();
      complete(State.OK, now, output);
    }

    /** The operation certainly did not take effect: it is left out of the history. */
    public void fail() {
      complete(State.FAILED, 0, null);
    }

    /** Whether the operation took effect is not known: it may have, at any time after its call. */
    public void unknown() {
      complete(State.UNKNOWN, 0, null);
    }

    private void complete(State outcome, long time, O out) {
      synchronized (recorder) {
        if (state != State.OPEN) {
          throw new IllegalStateException(
              "operation " + input + " of client " + clientId + " was already completed as " + state);
        }
        state = outcome;
        returnTime = time;
        output = out;
      }
    }
  }
}
