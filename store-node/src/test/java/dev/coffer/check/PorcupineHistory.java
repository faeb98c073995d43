package dev.coffer.check;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the key-value histories recorded for Porcupine's tests: one EDN map per line,
 * {@code {:process P, :type :invoke|:ok, :f :get|:put|:append, :key "K", :value V}}. The line number
 * is the event's time; an {@code :ok} completes its process's open {@code :invoke}, and an operation
 * still open at the end never returned.
 */
public final class PorcupineHistory {
  private static final String STRING = "\"((?:[^\"\\\\]|\\\\.)*)\"";
  private static final Pattern EVENT = Pattern.compile(
      "\\{:process (\\d+), :type :(invoke|ok), :f :(get|put|append), :key " + STRING
          + ", :value (nil|" + STRING + ")}");

  private PorcupineHistory() {}

  public static List<Operation<KvInput, String>> parse(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in, file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read history " + file + ": " + e.getMessage(), e);
    }
  }

  /** @param source names the input in error messages */
  public static List<Operation<KvInput, String>> parse(InputStream in, String source) {
    Map<Integer, Integer> openByProcess = new HashMap<>(); // process -> index of its open operation
    List<Operation<KvInput, String>> ops = new ArrayList<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      long time = 0;
      while ((line = reader.readLine()) != null) {
        time++;
        if (line.isBlank()) {
          continue;
        }
        Matcher m = EVENT.matcher(line.strip());
        if (!m.matches()) {
          throw new IllegalArgumentException(source + ":" + time + ": not a key-value event: " + line);
        }
        int process = Integer.parseInt(m.group(1));
        String value = m.group(6) == null ? null : unescape(m.group(6));
        if (m.group(2).equals("invoke")) {
          if (openByProcess.containsKey(process)) {
            throw new IllegalArgumentException(source + ":" + time + ": process " + process + " invokes twice");
          }
          KvInput input = new KvInput(KvInput.Kind.valueOf(m.group(3).toUpperCase()), unescape(m.group(4)), value);
          openByProcess.put(process, ops.size());
          ops.add(Operation.pending(process, input, time, null));
        } else {
          Integer open = openByProcess.remove(process);
          if (open == null) {
            throw new IllegalArgumentException(source + ":" + time + ": process " + process + " completes nothing");
          }
          Operation<KvInput, String> op = ops.get(open);
          boolean isGet = op.input().kind() == KvInput.Kind.GET;
          if (isGet && value == null) {
            throw new IllegalArgumentException(source + ":" + time + ": a get's reply needs a value");
          }
          String output = isGet ? value : "";
          ops.set(open, Operation.completed(process, op.input(), op.call(), time, output));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read history " + source + ": " + e.getMessage(), e);
    }
    return ops;
  }

  private static String unescape(String s) {
    return s.replaceAll("\\\\(.)", "$1");
  }
}
