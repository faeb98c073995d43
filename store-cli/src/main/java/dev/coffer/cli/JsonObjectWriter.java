package dev.coffer.cli;

import java.util.Locale;

/** Writes one JSON object, field by field, on one line; strings are escaped by {@link Json#string}. */
final class JsonObjectWriter {
    private final StringBuilder json = new StringBuilder("{");
    private boolean first = true;

    JsonObjectWriter field(String name, String value) {
        return raw(name, Json.string(value));
    }

    JsonObjectWriter field(String name, long value) {
        return raw(name, Long.toString(value));
    }

    JsonObjectWriter field(String name, boolean value) {
        return raw(name, Boolean.toString(value));
    }

    /** A number with at most three decimals; a value that is not finite is written as null. */
    JsonObjectWriter field(String name, double value) {
        return raw(name, Double.isFinite(value) ? decimal(value) : "null");
    }

    /** A nested object. */
    JsonObjectWriter field(String name, JsonObjectWriter value) {
        return raw(name, value.toString());
    }

    JsonObjectWriter nullField(String name) {
        return raw(name, "null");
    }

    private JsonObjectWriter raw(String name, String valueJson) {
        if (!first) {
            json.append(',');
        }
        first = false;
        json.append(Json.string(name)).append(':').append(valueJson);
        return this;
    }

    /** The object so far, closed. */
    @Override
    public String toString() {
        return json + "}";
    }

    private static String decimal(double value) {
        String text = String.format(Locale.ROOT, "%.3f", value);
        // 12.500 -> 12.5, 3.000 -> 3: shorter, and still the same number.
        text = text.replaceAll("0+$", "");
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }
}
