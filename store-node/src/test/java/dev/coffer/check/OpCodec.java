package dev.coffer.check;

import java.util.List;

/** Turns a model's inputs and outputs into lists of string tokens and back, for {@link HistoryFiles}. */
public interface OpCodec<I, O> {
  List<String> encodeInput(I input);

  I decodeInput(List<String> tokens);

  List<String> encodeOutput(O output);

  O decodeOutput(List<String> tokens);
}
