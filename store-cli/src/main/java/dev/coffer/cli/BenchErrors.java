package dev.coffer.cli;

import dev.coffer.client.CofferException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Names the kind of a failed benchmark operation, for counting: the node's status or the client's
 * reason ({@code NOT_FOUND}, {@code TIMEOUT}, ...), else the exception's class.
 */
final class BenchErrors {
    private BenchErrors() {
    }

    static String kind(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof CofferException coffer) {
            return coffer.status();
        }
        return cause.getClass().getSimpleName();
    }
}
