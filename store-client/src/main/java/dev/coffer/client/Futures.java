package dev.coffer.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * Future plumbing that keeps the client's own exceptions visible: the futures it returns fail
 * with a {@link CofferException} itself, never one wrapped in a {@link CompletionException}.
 */
final class Futures {
    private Futures() {
    }

    /** Applies {@code onValue} to the result; a failure, or an exception from {@code onValue}, fails it. */
    static <T, R> CompletableFuture<R> map(CompletableFuture<T> source, Function<T, R> onValue) {
        return handle(source, onValue, failure -> {
            throw failure;
        });
    }

    /**
     * Like {@link #map}, but a failure goes to {@code onFailure} first, which may turn it into a
     * value or throw (usually the same exception) to fail the result.
     */
    static <T, R> CompletableFuture<R> handle(CompletableFuture<T> source, Function<T, R> onValue,
                                              Function<RuntimeException, R> onFailure) {
        CompletableFuture<R> result = new CompletableFuture<>();
        source.whenComplete((value, failure) -> {
            try {
                result.complete(failure == null ? onValue.apply(value) : onFailure.apply(asRuntime(unwrap(failure))));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** The exception a future failed with, without the wrappers the future API adds. */
    static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static RuntimeException asRuntime(Throwable failure) {
        if (failure instanceof RuntimeException runtime) {
            return runtime;
        }
        return new CofferException(ClientReasons.INTERNAL_CLIENT_ERROR, "unexpected failure in the client: "
                + TransportException.describe(failure), failure);
    }
}
