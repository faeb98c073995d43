package dev.coffer.cli;

import dev.coffer.client.PemFiles;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority for local and test clusters, built with Bouncy Castle's certificate
 * builder over the JDK's keys: {@code ca.pem}/{@code ca.key}, then for each node and client
 * {@code NAME.pem}/{@code NAME.key} (EC P-256, keys as unencrypted PKCS#8 readable only by their
 * owner). A node's certificate names the node id (CN) and the hosts it is reached at; a client's
 * names the principal (CN). Production clusters should use the organisation's own CA.
 */
public final class CertificateIssuer {
    private static final String SIGNATURE = "SHA256withECDSA";
    private final Path dir;
    private final X509Certificate ca;
    private final PrivateKey caKey;

    private CertificateIssuer(Path dir, X509Certificate ca, PrivateKey caKey) {
        this.dir = dir;
        this.ca = ca;
        this.caKey = caKey;
    }

    /** Makes a new CA in {@code dir} (which must hold no CA yet), valid for {@code validity}. */
    public static CertificateIssuer createCa(Path dir, Duration validity) throws IOException {
        if (Files.exists(dir.resolve("ca.pem")) || Files.exists(dir.resolve("ca.key"))) {
            throw new IOException(dir + " already holds a CA (ca.pem): give a new directory");
        }
        Files.createDirectories(dir);
        try {
            KeyPair keys = newKeyPair();
            X500Name name = new X500Name("CN=Coffer cluster CA");
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), name, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
            X509Certificate ca = sign(builder, keys.getPrivate());
            write(dir.resolve("ca.pem"), ca, false);
            write(dir.resolve("ca.key"), keys.getPrivate(), true);
            return new CertificateIssuer(dir, ca, keys.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot make a CA: " + e.getMessage(), e);
        }
    }

    /** The CA {@link #createCa} made in {@code dir}, to issue more certificates with. */
    public static CertificateIssuer load(Path dir) throws IOException {
        return new CertificateIssuer(dir, PemFiles.certificates(dir.resolve("ca.pem")).get(0),
                PemFiles.privateKey(dir.resolve("ca.key")));
    }

    /** Issues the certificate of node {@code id}, for the given host names and addresses (and localhost). */
    public void issueNode(String id, List<String> hosts, Duration validity) throws IOException {
        List<GeneralName> names = new ArrayList<>();
        names.add(new GeneralName(GeneralName.dNSName, "localhost"));
        names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
        for (String host : hosts) {
            names.add(isAddress(host) ? new GeneralName(GeneralName.iPAddress, host)
                    : new GeneralName(GeneralName.dNSName, host));
        }
        Instant now = Instant.now();
        issue(id, names, new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth},
                now.minus(Duration.ofMinutes(5)), now.plus(validity));
    }

    /** Issues the certificate of client principal {@code name}, valid from {@code notBefore} to {@code notAfter}. */
    public void issueClient(String name, Instant notBefore, Instant notAfter) throws IOException {
        issue(name, List.of(), new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth}, notBefore, notAfter);
    }

    private void issue(String commonName, List<GeneralName> altNames, KeyPurposeId[] purposes, Instant notBefore,
            Instant notAfter) throws IOException {
        if (!commonName.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("'" + commonName + "' is not a usable name: 1-64 of [A-Za-z0-9._-]");
        }
        try {
            KeyPair keys = newKeyPair();
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca, serial(), Date.from(notBefore),
                    Date.from(notAfter), new X500Name("CN=" + commonName), keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes))
                    .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(ca))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()));
            if (!altNames.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(altNames.toArray(new GeneralName[0])));
            }
            write(dir.resolve(commonName + ".pem"), sign(builder, caKey), false);
            write(dir.resolve(commonName + ".key"), keys.getPrivate(), true);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot issue a certificate for " + commonName + ": " + e.getMessage(), e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder(SIGNATURE).build(signer)));
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(127, new SecureRandom());
    }

    private static boolean isAddress(String host) {
        return host.matches("[0-9.]+") || host.contains(":");
    }

    /** PEM, written so that a key is never readable by others, not even for a moment. */
    private static void write(Path file, Object item, boolean secret) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            if (item instanceof PrivateKey key) {
                pem.writeObject(new JcaPKCS8Generator(key, null)); // "BEGIN PRIVATE KEY", as the JDK reads it
            } else {
                pem.writeObject(item);
            }
        }
        Files.deleteIfExists(file);
        if (secret) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(file, text.toString(), StandardCharsets.US_ASCII);
    }
}
