package dev.coffer.cli;

import dev.coffer.client.CofferException;
import dev.coffer.client.CorruptDataException;
import dev.coffer.client.InvalidArgumentException;
import dev.coffer.client.NotFoundException;
import dev.coffer.client.UnavailableException;
import dev.coffer.client.ValueTooLargeException;
import dev.coffer.client.VersionConflictException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** Turns a failure into the one line an operator reads, e.g. {@code not found: user alice key photos/1}. */
final class FailureMessages {
    private FailureMessages() {
    }

    /**
     * @param failure what went wrong
     * @param subject what the command acted on ({@code user alice key k}), or null; used where
     *     the failure does not say it already (the client's messages name the operation and key)
     */
    static String describe(Throwable failure, String subject) {
        if (failure instanceof UncheckedIOException unchecked) {
            failure = unchecked.getCause();
        }
        if (failure instanceof NotFoundException) {
            return "not found: " + (subject != null ? subject : detailOf(failure, "no such key"));
        }
        if (failure instanceof UnavailableException unavailable) {
            String line = "cluster unavailable: " + detailOf(failure, subject);
            return unavailable.outcomeUnknown()
                    ? line + "; the write may or may not have been applied, read it back to find out"
                    : line;
        }
        if (failure instanceof CofferException cofferFailure) {
            return kind(cofferFailure) + ": " + detailOf(failure, subject);
        }
        if (failure instanceof NoSuchFileException noFile) {
            return "no such file: " + noFile.getFile();
        }
        if (failure instanceof AccessDeniedException denied) {
            return "permission denied: " + denied.getFile();
        }
        if (failure instanceof IOException) {
            return "I/O error: " + detailOf(failure, failure.getClass().getSimpleName());
        }
        return "internal error: " + failure + " (run with --verbose for the stack trace)";
    }

    private static String kind(CofferException failure) {
        if (failure instanceof VersionConflictException) {
            return "version conflict";
        }
        // Before InvalidArgumentException, which it extends.
        if (failure instanceof ValueTooLargeException) {
            return "value too large";
        }
        if (failure instanceof InvalidArgumentException) {
            return "invalid argument";
        }
        if (failure instanceof CorruptDataException) {
            return "corrupt data";
        }
        return "failed (" + failure.status() + ")";
    }

    private static String detailOf(Throwable failure, String fallback) {
        String message = failure.getMessage();
        if (message != null && !message.isBlank()) {
            return message.strip();
        }
        return fallback != null ? fallback : "no details";
    }
}
