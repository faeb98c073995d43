package dev.coffer.client;

/** The principal of this client's certificate may not do this; nothing was done. */
public class PermissionDeniedException extends CofferException {
    private static final long serialVersionUID = 1L;

    public PermissionDeniedException(String message) {
        super("PERMISSION_DENIED", message);
    }
}
