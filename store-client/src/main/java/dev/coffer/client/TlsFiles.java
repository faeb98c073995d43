package dev.coffer.client;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where one party's TLS material lies, as PEM files: the cluster's CA certificate(s) that peers
 * must be signed by, this party's certificate (chain), and its private key (PKCS#8, unencrypted).
 * The files are re-read when they change, so certificates can be rotated without a restart.
 */
public record TlsFiles(Path ca, Path certificate, Path privateKey) {
    public TlsFiles {
        Objects.requireNonNull(ca, "ca");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
    }

    /** The layout {@code coffer certs init} writes: {@code DIR/ca.pem}, {@code DIR/NAME.pem}, {@code DIR/NAME.key}. */
    public static TlsFiles inDirectory(Path dir, String name) {
        return new TlsFiles(dir.resolve("ca.pem"), dir.resolve(name + ".pem"), dir.resolve(name + ".key"));
    }
}
