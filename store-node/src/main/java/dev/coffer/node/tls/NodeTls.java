package dev.coffer.node.tls;

import dev.coffer.client.TlsMaterial;
import dev.coffer.node.NodeConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.util.Optional;
import java.security.GeneralSecurityException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import org.apache.ratis.grpc.GrpcTlsConfig;

/**
 * Mutual TLS on all three of a node's ports, from its {@code tls.*} files (re-read when they
 * change): the client and admin ports take any certificate of the cluster's CA (what it may do is
 * the principal's permission), the Raft port only the certificates of known members
 * ({@link KnownMembers}), both for peers that connect and for the peers this node dials. TLS 1.3,
 * or 1.2; never plain text.
 */
public final class NodeTls {
  static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
  /** A TLS handshake that takes longer closes the connection. */
  public static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;

  private final TlsMaterial material;
  private final KnownMembers members;

  private NodeTls(TlsMaterial material, KnownMembers members) {
    this.material = material;
    this.members = members;
  }

  /** The node's TLS, or empty when it runs in plain text. */
  public static Optional<NodeTls> from(NodeConfig config) throws IOException {
    if (config.tls().isEmpty()) {
      return Optional.empty();
    }
    TlsMaterial material = TlsMaterial.load(config.tls().get(), config.tlsReload());
    return Optional.of(new NodeTls(material, KnownMembers.load(config.dataDir(), config.peers().keySet())));
  }

  public KnownMembers members() {
    return members;
  }

  /** For the client and admin ports: a certificate of the cluster's CA is required. */
  public SslContext serverContext() {
    try {
      return SslContextBuilder.forServer(material.keyManager())
          .trustManager(material.trustManager(certificate -> true))
          .clientAuth(ClientAuth.REQUIRE)
          .protocols(PROTOCOLS)
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the TLS context from " + material.files(), e);
    }
  }

  /** For this node's own plain-socket requests to another node's client port (--join ADDRESS). */
  public SSLSocketFactory socketFactory() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {material.keyManager()},
          new TrustManager[] {material.trustManager(certificate -> true)}, null);
      return context.getSocketFactory();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a TLS socket factory from " + material.files(), e);
    }
  }

  /** For the Raft port and this node's Raft clients: member certificates only, both ways. */
  public GrpcTlsConfig raftTls() {
    return new GrpcTlsConfig(material.keyManager(), material.trustManager(
        certificate -> members.accepts(TlsMaterial.commonName(certificate.getSubjectX500Principal()))), true);
  }
}
