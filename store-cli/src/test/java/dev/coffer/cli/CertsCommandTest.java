package dev.coffer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.client.PemFiles;
import dev.coffer.client.TlsFiles;
import dev.coffer.client.TlsMaterial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** coffer certs init/add: files a node and the client can load, keys readable by their owner only. */
class CertsCommandTest {
    @TempDir
    Path dir;

    @Test
    void init_writesACaAndCertificatesThatLoad_andAddIssuesMoreWithTheSameCa() throws Exception {
        Path tls = dir.resolve("tls");
        CliRun init = CliRun.of("certs", "init", "--dir", tls.toString(), "--nodes", "n1,n2", "--clients", "admin",
                "--hosts", "db1.example.net,10.0.0.7");
        assertEquals(ExitCodes.OK, init.exitCode(), init.err());
        CliRun add = CliRun.of("certs", "add", "--dir", tls.toString(), "--nodes", "n3");
        assertEquals(ExitCodes.OK, add.exitCode(), add.err());

        X509Certificate ca = PemFiles.certificates(tls.resolve("ca.pem")).get(0);
        for (String name : new String[] {"n1", "n2", "n3", "admin"}) {
            X509Certificate certificate = PemFiles.certificates(tls.resolve(name + ".pem")).get(0);
            certificate.verify(ca.getPublicKey());
            assertEquals(name, TlsMaterial.commonName(certificate.getSubjectX500Principal()));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    tls.resolve(name + ".key"))), name + ".key is its owner's only");
            TlsMaterial.load(TlsFiles.inDirectory(tls, name), Duration.ofMinutes(1));
        }
        String names = PemFiles.certificates(tls.resolve("n1.pem")).get(0).getSubjectAlternativeNames().toString();
        assertTrue(names.contains("db1.example.net") && names.contains("10.0.0.7") && names.contains("127.0.0.1"),
                names);
    }

    @Test
    void init_refusesADirectoryThatHoldsACa() {
        Path tls = dir.resolve("tls");
        assertEquals(ExitCodes.OK, CliRun.of("certs", "init", "--dir", tls.toString(), "--nodes", "n1").exitCode());
        CliRun again = CliRun.of("certs", "init", "--dir", tls.toString(), "--nodes", "n1");
        assertEquals(ExitCodes.ERROR, again.exitCode());
        assertTrue(again.err().contains("already holds a CA"), again.err());
    }
}
