package dev.coffer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void string_plainText_isQuoted() {
        assertEquals("\"n1\"", Json.string("n1"));
    }

    @Test
    void string_null_isJsonNull() {
        assertEquals("null", Json.string(null));
    }

    @Test
    void string_quotesAndBackslashes_areEscaped() {
        assertEquals("\"a\\\"b\\\\c\"", Json.string("a\"b\\c"));
    }

    @Test
    void string_controlCharacters_areEscaped() {
        assertEquals("\"\\n\\r\\t\\b\\f\\u0001\\u001f\"", Json.string("\n\r\t\b\f\u0001\u001f"));
    }

    @Test
    void string_nonAscii_isKeptAsIs() {
        assertEquals("\"nœud-é\"", Json.string("nœud-é"));
    }
}
