package dev.coffer.client;

/** The request was rejected as malformed (bad user id, key, limit, ...); retrying cannot help. */
public class InvalidArgumentException extends CofferException {
    private static final long serialVersionUID = 1L;

    public InvalidArgumentException(String message) {
        this("INVALID_ARGUMENT", message);
    }

    protected InvalidArgumentException(String status, String message) {
        super(status, message);
    }
}
