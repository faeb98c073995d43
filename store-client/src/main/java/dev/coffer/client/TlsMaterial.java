package dev.coffer.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The key and trust managers of one party's TLS, built from its {@link TlsFiles} and rebuilt when
 * those files change (checked at most every {@code reloadEvery}), so that a rotated certificate or
 * CA takes effect at the next handshake without a restart. A file that cannot be read after a
 * change keeps the material read before. The trust manager accepts a peer only when its chain
 * leads to the CA and {@code peerAccepted} accepts the peer's own certificate.
 */
public final class TlsMaterial {
    private final TlsFiles files;
    private final long reloadEveryNanos;
    private volatile Loaded loaded;
    private volatile long checkedNanos;

    private record Loaded(long stamp, X509ExtendedKeyManager keys, X509ExtendedTrustManager trust) {
    }

    private TlsMaterial(TlsFiles files, Duration reloadEvery, Loaded first) {
        this.files = files;
        this.reloadEveryNanos = reloadEvery.toNanos();
        this.loaded = first;
        this.checkedNanos = System.nanoTime();
    }

    /** Reads {@code files} now (failing if they are unusable) and re-reads them when they change. */
    public static TlsMaterial load(TlsFiles files, Duration reloadEvery) throws IOException {
        return new TlsMaterial(files, reloadEvery, read(files));
    }

    public X509ExtendedKeyManager keyManager() {
        return new Keys();
    }

    public X509ExtendedTrustManager trustManager(Predicate<X509Certificate> peerAccepted) {
        return new Trust(peerAccepted);
    }

    public TlsFiles files() {
        return files;
    }

    /** The common name (CN) of a certificate's subject, or "" when it has none. */
    public static String commonName(Principal subject) {
        try {
            for (Rdn rdn : new LdapName(subject.getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
        } catch (InvalidNameException e) {
            // no CN
        }
        return "";
    }

    private Loaded current() {
        long now = System.nanoTime();
        if (now - checkedNanos >= reloadEveryNanos) {
            checkedNanos = now;
            try {
                if (stamp(files) != loaded.stamp()) {
                    loaded = read(files);
                }
            } catch (IOException | UncheckedIOException e) {
                // a file half-written during a rotation: keep what was read before, try again later
            }
        }
        return loaded;
    }

    private static long stamp(TlsFiles files) throws IOException {
        long stamp = 17;
        for (Path file : List.of(files.ca(), files.certificate(), files.privateKey())) {
            stamp = 31 * stamp + Files.getLastModifiedTime(file).toMillis();
            stamp = 31 * stamp + Files.size(file);
        }
        return stamp;
    }

    private static Loaded read(TlsFiles files) throws IOException {
        long stamp = stamp(files);
        List<X509Certificate> chain = PemFiles.certificates(files.certificate());
        PrivateKey key = PemFiles.privateKey(files.privateKey());
        List<X509Certificate> cas = PemFiles.certificates(files.ca());
        try {
            char[] password = new char[0];
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setKeyEntry("key", key, password, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(keyStore, password);
            KeyStore trustStore = KeyStore.getInstance("PKCS12");
            trustStore.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                trustStore.setCertificateEntry("ca-" + i, cas.get(i));
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
            trust.init(trustStore);
            return new Loaded(stamp, (X509ExtendedKeyManager) keys.getKeyManagers()[0],
                    (X509ExtendedTrustManager) trust.getTrustManagers()[0]);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the TLS files " + files + ": " + e.getMessage(), e);
        }
    }

    /** Always the newest key and certificate. */
    private final class Keys extends X509ExtendedKeyManager {
        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return current().keys().getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return current().keys().chooseClientAlias(keyType, issuers, socket);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return current().keys().chooseEngineClientAlias(keyType, issuers, engine);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return current().keys().getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return current().keys().chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return current().keys().chooseEngineServerAlias(keyType, issuers, engine);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return current().keys().getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return current().keys().getPrivateKey(alias);
        }
    }

    /** The newest CA, then {@code peerAccepted} on the peer's own certificate. */
    private final class Trust extends X509ExtendedTrustManager {
        private final Predicate<X509Certificate> peerAccepted;

        Trust(Predicate<X509Certificate> peerAccepted) {
            this.peerAccepted = peerAccepted;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            current().trust().checkClientTrusted(chain, authType, socket);
            accept(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            current().trust().checkServerTrusted(chain, authType, socket);
            accept(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            current().trust().checkClientTrusted(chain, authType, engine);
            accept(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            current().trust().checkServerTrusted(chain, authType, engine);
            accept(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            current().trust().checkClientTrusted(chain, authType);
            accept(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            current().trust().checkServerTrusted(chain, authType);
            accept(chain);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return current().trust().getAcceptedIssuers();
        }

        private void accept(X509Certificate[] chain) throws CertificateException {
            if (!peerAccepted.test(chain[0])) {
                throw new CertificateException("the certificate of '" + commonName(chain[0].getSubjectX500Principal())
                        + "' is signed by the cluster's CA but is not accepted here");
            }
        }
    }
}
