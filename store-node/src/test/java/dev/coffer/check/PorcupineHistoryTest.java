package dev.coffer.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The outside check: histories recorded for Porcupine's own tests (see
 * {@code src/test/resources/porcupine-kv/README.md}), each with a known verdict.
 */
class PorcupineHistoryTest {
  /** Far above what the search needs (well under a second each), so only a real regression fails. */
  private static final Duration TIME_BOUND = Duration.ofSeconds(20);

  private static List<Operation<KvInput, String>> load(String file) throws IOException {
    try (InputStream in = PorcupineHistoryTest.class.getResourceAsStream("/porcupine-kv/" + file)) {
      assertNotNull(in, "missing test resource porcupine-kv/" + file);
      return PorcupineHistory.parse(in, file);
    }
  }

  @ParameterizedTest
  @CsvSource({
      "c01-ok.txt, OK, 58",
      "c01-bad.txt, ILLEGAL, 38",
      "c10-ok.txt, OK, 337",
      "c10-bad.txt, ILLEGAL, 405",
      "c50-ok.txt, OK, 1712",
      "c50-bad.txt, ILLEGAL, 2024"})
  void check_recordedHistory_getsTheKnownVerdictInTime(String file, Verdict expected, int operations) throws IOException {
    List<Operation<KvInput, String>> history = load(file);
    assertEquals(operations, history.size());

    long start = System.nanoTime();
    CheckResult result = LinearizabilityChecker.check(new KvAppendModel(), history, TIME_BOUND);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertEquals(expected, result.verdict(), result::toString);
    assertTrue(took.compareTo(TIME_BOUND) < 0, file + " took " + took);
  }

  @Test
  void parse_operationStillOpenAtTheEnd_neverReturned() {
    String text = """
        {:process 0, :type :invoke, :f :put, :key "a", :value "x"}
        {:process 1, :type :invoke, :f :get, :key "a", :value nil}
        {:process 0, :type :ok, :f :put, :key "a", :value "x"}
        {:process 2, :type :invoke, :f :append, :key "a", :value "say \\"hi\\""}
        {:process 1, :type :ok, :f :get, :key "a", :value "x"}
        """;
    List<Operation<KvInput, String>> ops = parse(text);
    assertEquals(3, ops.size());
    assertEquals(new KvInput(KvInput.Kind.PUT, "a", "x"), ops.get(0).input());
    assertEquals(1, ops.get(0).call());
    assertEquals(3, ops.get(0).returnTime());
    assertEquals("x", ops.get(1).output());
    assertEquals("say \"hi\"", ops.get(2).input().value());
    assertFalse(ops.get(2).returned());
    assertNull(ops.get(2).output());
  }

  @Test
  void parse_malformedLine_namesTheLine() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("""
        {:process 0, :type :invoke, :f :get, :key "a", :value nil}
        {:process 0, :type :fail, :f :get, :key "a", :value nil}
        """));
    assertTrue(e.getMessage().startsWith("test:2: not a key-value event"), e.getMessage());
  }

  @Test
  void check_appendsSeenOutOfOrder_isIllegal() {
    List<Operation<KvInput, String>> ops = parse("""
        {:process 0, :type :invoke, :f :append, :key "a", :value "1"}
        {:process 0, :type :ok, :f :append, :key "a", :value "1"}
        {:process 0, :type :invoke, :f :append, :key "a", :value "2"}
        {:process 0, :type :ok, :f :append, :key "a", :value "2"}
        {:process 1, :type :invoke, :f :get, :key "a", :value nil}
        {:process 1, :type :ok, :f :get, :key "a", :value "21"}
        """);
    CheckResult result = LinearizabilityChecker.check(new KvAppendModel(), ops, TIME_BOUND);
    assertEquals(Verdict.ILLEGAL, result.verdict());
    assertTrue(result.toString().contains("state after it: \"12\""), result::toString);
  }

  private static List<Operation<KvInput, String>> parse(String text) {
    return PorcupineHistory.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "test");
  }
}
