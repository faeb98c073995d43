package dev.coffer.client;

/**
 * The cluster already holds a different request under this write's id (client id and
 * sequence), so it did nothing: two client instances share a client id, or a write id was
 * reused. Not retried: resending the same id cannot succeed. This client draws a random
 * 128-bit client id per instance and never reuses a sequence, so it signals a bug or a
 * hand-made id.
 */
public class WriteIdReusedException extends CofferException {
    private static final long serialVersionUID = 1L;

    public WriteIdReusedException(String message) {
        super("WRITE_ID_REUSED", message);
    }
}
