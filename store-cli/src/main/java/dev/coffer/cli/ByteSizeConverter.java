package dev.coffer.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a size in bytes as people write it: {@code 1024}, {@code 1k}, {@code 64KiB}, {@code 1m},
 * {@code 2MB}. Suffixes are binary (k = 1024, m = 1024²) whatever their spelling.
 */
final class ByteSizeConverter implements ITypeConverter<Integer> {
    /** The largest size accepted: twice the node's default value limit, well under the client's frame limit. */
    static final int MAX_BYTES = 32 << 20;
    private static final Pattern SIZE = Pattern.compile("(\\d{1,10})\\s*(?:([kmg])(?:i?b)?|b)?");

    @Override
    public Integer convert(String text) {
        return parse(text);
    }

    static int parse(String text) {
        Matcher matcher = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new TypeConversionException("'" + text
                    + "' is not a size: give bytes or a number with k or m (1k, 64k, 1m)");
        }
        long bytes = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2);
        if (unit != null) {
            bytes <<= switch (unit) {
                case "k" -> 10;
                case "m" -> 20;
                default -> 30;
            };
        }
        if (bytes > MAX_BYTES) {
            throw new TypeConversionException("'" + text + "' is more than the largest size allowed, "
                    + describe(MAX_BYTES));
        }
        return (int) bytes;
    }

    /** {@code 1 KiB}, {@code 64 KiB}, {@code 1 MiB}, {@code 1500 bytes}: exact, in the largest unit that divides. */
    static String describe(long bytes) {
        if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes >= 1 << 10 && bytes % (1 << 10) == 0) {
            return (bytes >> 10) + " KiB";
        }
        return bytes + (bytes == 1 ? " byte" : " bytes");
    }
}
