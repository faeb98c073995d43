package dev.coffer.check;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Saves a history to a text file and reads it back, so a failing run can be kept and replayed.
 * One operation per line, five tab-separated columns:
 * {@code client  call-time  return-time|never  input-tokens  output-tokens}, the tokens as
 * {@link Tokens} writes them. Lines starting with {@code #} are comments.
 */
public final class HistoryFiles {
  private static final String NEVER = "never";

  private HistoryFiles() {}

  public static <I, O> void write(Path file, List<Operation<I, O>> history, OpCodec<I, O> codec) {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write("# client\tcall\treturn\tinput\toutput\n");
      for (Operation<I, O> op : history) {
        out.write(op.clientId() + "\t" + op.call() + "\t" + (op.returned() ? Long.toString(op.returnTime()) : NEVER)
            + "\t" + Tokens.join(codec.encodeInput(op.input())) + "\t" + Tokens.join(codec.encodeOutput(op.output()))
            + "\n");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write history to " + file + ": " + e.getMessage(), e);
    }
  }

  public static <I, O> List<Operation<I, O>> read(Path file, OpCodec<I, O> codec) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read history " + file + ": " + e.getMessage(), e);
    }
    List<Operation<I, O>> history = new ArrayList<>(lines.size());
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      try {
        history.add(parseLine(line, codec));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return history;
  }

  private static <I, O> Operation<I, O> parseLine(String line, OpCodec<I, O> codec) {
    String[] columns = line.split("\t", -1);
    if (columns.length != 5) {
      throw new IllegalArgumentException("expected 5 tab-separated columns, found " + columns.length);
    }
    long returnTime = columns[2].equals(NEVER) ? Operation.NEVER : Long.parseLong(columns[2]);
    return new Operation<>(Integer.parseInt(columns[0]), codec.decodeInput(Tokens.split(columns[3])),
        Long.parseLong(columns[1]), returnTime, codec.decodeOutput(Tokens.split(columns[4])));
  }
}
