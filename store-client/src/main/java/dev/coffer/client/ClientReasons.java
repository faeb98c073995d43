package dev.coffer.client;

/** The {@link CofferException#status()} values the client reports for failures it finds itself. */
final class ClientReasons {
    /** No TCP connection could be opened to the node. */
    static final String CONNECT_FAILED = "CONNECT_FAILED";
    /** The TLS handshake with the node failed on a certificate (this client's, or the node's). */
    static final String TLS_FAILED = "TLS_FAILED";
    /** The connection broke, or could not carry the request. */
    static final String CONNECTION_LOST = "CONNECTION_LOST";
    /** The node did not answer (or the connection did not open) in time. */
    static final String TIMEOUT = "TIMEOUT";
    /** The client was closed. */
    static final String CLIENT_CLOSED = "CLIENT_CLOSED";
    /** The calling thread was interrupted while it waited. */
    static final String INTERRUPTED = "INTERRUPTED";
    /** A node's answer did not fit its request. */
    static final String MALFORMED_RESPONSE = "MALFORMED_RESPONSE";
    /** A bug in the client. */
    static final String INTERNAL_CLIENT_ERROR = "INTERNAL_CLIENT_ERROR";
    /** No node reachable knows a leader. */
    static final String NO_LEADER = "NO_LEADER";

    private ClientReasons() {
    }
}
