package dev.coffer.cli;

import dev.coffer.client.InvalidArgumentException;
import dev.coffer.client.NotFoundException;
import dev.coffer.client.PermissionDeniedException;
import dev.coffer.client.ValueTooLargeException;

/** The process exit codes of {@code coffer}, and which failure leads to which. */
public final class ExitCodes {
    public static final int OK = 0;
    /** Anything that went wrong other than bad input or a missing key. */
    public static final int ERROR = 1;
    /** The command line (or a value the node rejected as malformed) was wrong. */
    public static final int USAGE = 2;
    public static final int NOT_FOUND = 3;
    /** The principal of the client's certificate may not do this. */
    public static final int PERMISSION_DENIED = 4;

    private ExitCodes() {
    }

    /** The exit code for a failure thrown while a command ran. */
    public static int forFailure(Throwable failure) {
        if (failure instanceof NotFoundException) {
            return NOT_FOUND;
        }
        if (failure instanceof PermissionDeniedException) {
            return PERMISSION_DENIED;
        }
        // A value above the node's limit is not a mistake on the command line (the client models
        // it as an invalid argument, hence the check first).
        if (failure instanceof ValueTooLargeException) {
            return ERROR;
        }
        // The node refused the user id, key or a limit as given: the operator must change the input.
        if (failure instanceof InvalidArgumentException) {
            return USAGE;
        }
        return ERROR;
    }
}
