package dev.coffer.client;

/**
 * An attempt got no answer from a node: the connection could not be opened, broke, or the node
 * was too slow. Internal: the executor retries elsewhere and, when it gives up, reports an
 * {@link UnavailableException}.
 */
final class TransportException extends RuntimeException {
    private static final long serialVersionUID = 1L;


    private final String reason;
    private final boolean possiblyDelivered;

    /**
     * @param reason            one of {@link ClientReasons}; becomes the status of the final exception
     * @param possiblyDelivered whether the node may have received (and so applied) the request
     */
    TransportException(String reason, String message, boolean possiblyDelivered) {
        super(message, null, false, false);
        this.reason = reason;
        this.possiblyDelivered = possiblyDelivered;
    }

    String reason() {
        return reason;
    }

    boolean possiblyDelivered() {
        return possiblyDelivered;
    }

    /** A cause's message for people: the message when there is one, else the exception's name. */
    static String describe(Throwable cause) {
        if (cause == null) {
            return "unknown cause";
        }
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }
}
