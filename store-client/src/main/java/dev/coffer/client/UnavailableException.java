package dev.coffer.client;

/**
 * No node gave an answer within the retry policy and the operation timeout: the cluster has no
 * leader, nodes are down, unreachable or overloaded ({@code OVERLOADED}), they did not answer in
 * time, or their replies did not belong to the request ({@code MALFORMED_RESPONSE}).
 *
 * <p>For a write, {@link #outcomeUnknown()} says whether the write may have been applied anyway:
 * true when some attempt reached a node and then timed out, lost its connection, or was answered
 * {@code UNAVAILABLE} (the node may have proposed it before giving up). Reading the key tells.
 */
public class UnavailableException extends CofferException {
    private static final long serialVersionUID = 1L;

    private final boolean outcomeUnknown;

    public UnavailableException(String status, String message, boolean outcomeUnknown) {
        super(status, message);
        this.outcomeUnknown = outcomeUnknown;
    }

    /** True for a write that may or may not have been applied; always false for a read. */
    public boolean outcomeUnknown() {
        return outcomeUnknown;
    }
}
