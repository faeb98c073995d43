package dev.coffer.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What a command talks to besides the cluster: standard streams and the environment.
 * Injected so that tests can run the whole command line in-process.
 *
 * @param in  standard input (a value to {@code put})
 * @param out standard output; binary-safe, text is written as UTF-8
 * @param err standard error, for the one-line error messages
 * @param env environment variables (for {@code COFFER_ENDPOINTS})
 * @param interactive whether a person types at a terminal (then reading stdin deserves a hint)
 */
public record Console(InputStream in, PrintStream out, PrintStream err, Map<String, String> env,
                      boolean interactive) {

    /** The process's own streams and environment. */
    public static Console system() {
        PrintStream out = new PrintStream(
                new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 64 * 1024),
                false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        return new Console(new FileInputStream(FileDescriptor.in), out, err, System.getenv(), System.console() != null);
    }
}
