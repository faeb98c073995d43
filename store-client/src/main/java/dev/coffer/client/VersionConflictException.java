package dev.coffer.client;

/** A condition of the write ({@code ifAbsent} or {@code ifVersion}) did not hold; nothing was changed. */
public class VersionConflictException extends CofferException {
    private static final long serialVersionUID = 1L;

    public VersionConflictException(String message) {
        super("VERSION_CONFLICT", message);
    }
}
