package dev.coffer.client;

/** The value is larger than the node accepts, or the request larger than the client's frame limit. */
public class ValueTooLargeException extends InvalidArgumentException {
    private static final long serialVersionUID = 1L;

    public ValueTooLargeException(String message) {
        super("VALUE_TOO_LARGE", message);
    }
}
