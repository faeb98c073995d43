package dev.coffer.client;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * The client's side of mutual TLS: it proves who it is with its certificate and accepts a node
 * only with a certificate from the cluster's CA that names the address it dialled (host name
 * verification). TLS 1.3, or 1.2; never plain text.
 */
final class ClientTls {
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /** How often the client looks for rotated certificate files. */
    static final Duration RELOAD_EVERY = Duration.ofSeconds(30);

    private ClientTls() {
    }

    static SslContext fromFiles(TlsFiles files) {
        try {
            TlsMaterial material = TlsMaterial.load(files, RELOAD_EVERY);
            return SslContextBuilder.forClient()
                    .keyManager(material.keyManager())
                    .trustManager(material.trustManager(certificate -> true))
                    .protocols(PROTOCOLS)
                    .endpointIdentificationAlgorithm("HTTPS")
                    .build();
        } catch (IOException e) {
            throw new InvalidArgumentException("cannot use TLS files " + files.certificate() + ", "
                    + files.privateKey() + " and CA " + files.ca() + ": " + e.getMessage());
        }
    }

    static SslContext fromContext(SSLContext context) {
        return new JdkSslContext(context, true, null, io.netty.handler.ssl.IdentityCipherSuiteFilter.INSTANCE,
                null, ClientAuth.NONE, PROTOCOLS, false);
    }
}
