package dev.coffer.client;

import java.util.Optional;

/** A node's client address: host (name, IPv4, or bracketed IPv6) and port. */
record Endpoint(String host, int port) {

    /** Parses {@code host:port} or {@code [ipv6]:port}; fails with a message naming the bad text. */
    static Endpoint parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("endpoint must not be null");
        }
        String trimmed = text.trim();
        int colon = trimmed.lastIndexOf(':');
        if (colon <= 0 || colon == trimmed.length() - 1) {
            throw new IllegalArgumentException("endpoint '" + text + "' is not host:port");
        }
        String host = trimmed.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("endpoint '" + text + "' is not host:port (write IPv6 as [addr]:port)");
        }
        if (host.isEmpty() || host.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("endpoint '" + text + "' has no valid host");
        }
        int port;
        try {
            port = Integer.parseInt(trimmed.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("endpoint '" + text + "' has a port that is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("endpoint '" + text + "' has port " + port + " outside 1..65535");
        }
        return new Endpoint(host, port);
    }

    /** For addresses that come from a node: a bad one is ignored rather than failing the call. */
    static Optional<Endpoint> tryParse(String text) {
        try {
            return Optional.of(parse(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
