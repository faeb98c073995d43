package dev.coffer.client;

/** The key does not exist. */
public class NotFoundException extends CofferException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super("NOT_FOUND", message);
    }
}
