package dev.coffer.client;

import java.util.Objects;

/**
 * A Coffer operation failed. {@link #status()} names why: a node's status, as in the protocol's
 * {@code Status} enum ({@code NOT_FOUND}, {@code INTERNAL}, ...), or a reason the client found
 * itself: {@code CONNECT_FAILED}, {@code CONNECTION_LOST}, {@code TIMEOUT}, {@code CLIENT_CLOSED},
 * {@code INTERRUPTED}, {@code MALFORMED_RESPONSE} or {@code INTERNAL_CLIENT_ERROR}. The subclasses
 * mark the failures a caller usually handles apart.
 */
public class CofferException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String status;

    public CofferException(String status, String message) {
        this(status, message, null);
    }

    public CofferException(String status, String message, Throwable cause) {
        super(message, cause);
        this.status = Objects.requireNonNull(status, "status");
    }

    /** The node's status name, or the client-side reason, of this failure. */
    public String status() {
        return status;
    }
}
