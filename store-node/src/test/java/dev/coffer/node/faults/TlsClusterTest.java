package dev.coffer.node.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.cli.CertificateIssuer;
import dev.coffer.client.CofferClient;
import dev.coffer.client.CofferException;
import dev.coffer.client.TlsFiles;
import dev.coffer.client.TlsMaterial;
import dev.coffer.node.testing.ProcessCluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster of real node processes with mutual TLS on every port: clients with the cluster's
 * certificates are served, and everyone else is refused on the client, Raft and admin ports —
 * plain text, another CA, an expired certificate, and on the Raft port a certificate of the
 * cluster's own CA that names no member. A CA added to the nodes' CA file is trusted without a
 * restart. The cluster keeps its acknowledged writes across a kill -9 of its leader.
 */
class TlsClusterTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir
  Path dir;
  ProcessCluster cluster;
  CofferClient admin;
  final List<CofferClient> others = new java.util.ArrayList<>();

  @AfterEach
  void tearDown() {
    others.forEach(CofferClient::close); // admin among them
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void everyPortRefusesWhoeverHoldsNoCertificateOfTheCluster_andServesThoseWhoDo() throws Exception {
    Path tls = dir.resolve("tls");
    CertificateIssuer issuer = CertificateIssuer.createCa(tls, Duration.ofDays(2));
    Instant now = Instant.now();
    for (String node : List.of("n1", "n2", "n3", "n9")) {
      issuer.issueNode(node, List.of(), Duration.ofDays(1)); // n9: a valid node certificate of no member
    }
    issuer.issueClient("admin", now.minusSeconds(60), now.plus(Duration.ofDays(1)));
    issuer.issueClient("app", now.minusSeconds(60), now.plus(Duration.ofDays(1)));
    issuer.issueClient("scraper", now.minusSeconds(60), now.plus(Duration.ofDays(1)));
    issuer.issueClient("expired", now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1)));
    Path otherCa = dir.resolve("other-ca");
    CertificateIssuer.createCa(otherCa, Duration.ofDays(2)).issueClient("admin", now.minusSeconds(60),
        now.plus(Duration.ofDays(1)));

    cluster = ProcessCluster.startTls(dir.resolve("cluster"), 3, tls,
        Map.of("tls.reload.seconds", "1", "tls.metrics.principals", "scraper"));
    admin = client(TlsFiles.inDirectory(tls, "admin"));
    admin.put("alice", "photo", "hello over TLS".getBytes(StandardCharsets.UTF_8));
    assertArrayEquals("hello over TLS".getBytes(StandardCharsets.UTF_8), admin.get("alice", "photo").value());

    // The client port: plain text, another CA, an expired certificate.
    assertRefused(() -> client(null).get("alice", "photo"), "plain text");
    assertRefused(() -> client(TlsFiles.inDirectory(otherCa, "admin")).get("alice", "photo"), "another CA");
    assertRefused(() -> client(new TlsFiles(tls.resolve("ca.pem"), tls.resolve("expired.pem"),
        tls.resolve("expired.key"))).get("alice", "photo"), "an expired certificate");

    // The Raft port: a member's certificate is answered, n9's (valid, of no member) is not, nor plain text.
    String leader = cluster.awaitLeader(TIMEOUT);
    assertTrue(raftGroupInfo(leader, TlsFiles.inDirectory(tls, "n1")), "a member's certificate is answered");
    assertRaftRefused(leader, TlsFiles.inDirectory(tls, "n9"), "a valid certificate that names no member");
    assertRaftRefused(leader, null, "plain text to the Raft port");
    assertRaftRefused(leader, TlsFiles.inDirectory(otherCa, "admin"), "another CA on the Raft port");

    // The admin port: HTTPS with a certificate of the cluster; no plain HTTP, no HTTPS without one.
    String health = "https://" + cluster.adminAddress(leader) + "/health";
    String metrics = "https://" + cluster.adminAddress(leader) + "/metrics";
    assertTrue(adminStatus(health, adminContext(TlsFiles.inDirectory(tls, "admin"))) != 403, "admin reads /health");
    assertEquals(403, adminStatus(health, adminContext(TlsFiles.inDirectory(tls, "app"))), "app is no admin");
    assertEquals(200, adminStatus(metrics, adminContext(TlsFiles.inDirectory(tls, "scraper"))),
        "a tls.metrics.principals certificate reads /metrics");
    assertEquals(403, adminStatus("https://" + cluster.adminAddress(leader) + "/status",
        adminContext(TlsFiles.inDirectory(tls, "scraper"))), "... and nothing else");
    assertThrows(IOException.class, () -> adminStatus("http://" + cluster.adminAddress(leader) + "/health", null),
        "plain HTTP to the admin port");
    assertThrows(IOException.class, () -> adminStatus(health, trustOnly(tls)), "HTTPS without a client certificate");

    // Rotation without a restart: a certificate of a second CA is refused until the nodes' CA file
    // also holds that CA, then served.
    Path secondCa = dir.resolve("second-ca");
    CertificateIssuer.createCa(secondCa, Duration.ofDays(2)).issueClient("admin", now.minusSeconds(60),
        now.plus(Duration.ofDays(1)));
    TlsFiles rotated = new TlsFiles(tls.resolve("ca.pem"), secondCa.resolve("admin.pem"), secondCa.resolve("admin.key"));
    assertRefused(() -> client(rotated).get("alice", "photo"), "a certificate of a CA the nodes do not trust yet");
    java.nio.file.Files.writeString(tls.resolve("ca.pem"), java.nio.file.Files.readString(secondCa.resolve("ca.pem")),
        java.nio.file.StandardOpenOption.APPEND);
    Thread.sleep(2_500); // more than tls.reload.seconds
    assertArrayEquals("hello over TLS".getBytes(StandardCharsets.UTF_8), client(rotated).get("alice", "photo").value(),
        "served once the nodes re-read their CA file, without a restart");

    // A kill -9 of the leader: a new one is elected over TLS and every acknowledged write stays.
    cluster.kill(leader);
    admin.put("alice", "after", "the leader died".getBytes(StandardCharsets.UTF_8));
    cluster.start(leader);
    assertArrayEquals("hello over TLS".getBytes(StandardCharsets.UTF_8), admin.get("alice", "photo").value());
    assertArrayEquals("the leader died".getBytes(StandardCharsets.UTF_8), admin.get("alice", "after").value());
  }

  private CofferClient client(TlsFiles files) {
    var builder = CofferClient.builder().endpoints(cluster.endpoints()).connectTimeout(Duration.ofSeconds(2))
        .requestTimeout(Duration.ofSeconds(3)).operationTimeout(files == null || !files.equals(
            TlsFiles.inDirectory(dir.resolve("tls"), "admin")) ? Duration.ofSeconds(4) : TIMEOUT);
    if (files != null) {
      builder.tls(files);
    }
    CofferClient client = builder.build();
    others.add(client);
    return client;
  }

  private static void assertRefused(Runnable call, String who) {
    CofferException refused = assertThrows(CofferException.class, call::run, who + " must be refused");
    assertTrue(!refused.getMessage().isEmpty(), who);
  }

  /** Ratis's client (gRPC) reports a refused connection as an IOException or a gRPC status error. */
  private void assertRaftRefused(String id, TlsFiles files, String who) {
    Exception refused = assertThrows(Exception.class, () -> raftGroupInfo(id, files), who + " must be refused");
    assertTrue(refused instanceof IOException || refused.getClass().getName().contains("StatusRuntimeException"),
        who + ": " + refused);
  }

  /** Asks the node's Raft port for its group's information through Ratis's own client API. */
  private boolean raftGroupInfo(String id, TlsFiles files) throws IOException {
    RaftProperties properties = new RaftProperties();
    RaftClientConfigKeys.Rpc.setRequestTimeout(properties, TimeDuration.valueOf(3, TimeUnit.SECONDS));
    Parameters parameters = new Parameters();
    if (files != null) {
      TlsMaterial material = TlsMaterial.load(files, Duration.ofMinutes(1));
      GrpcTlsConfig conf = new GrpcTlsConfig(material.keyManager(), material.trustManager(c -> true), true);
      GrpcConfigKeys.Client.setTlsConf(parameters, conf);
      GrpcConfigKeys.Admin.setTlsConf(parameters, conf);
    }
    RaftPeer peer = RaftPeer.newBuilder().setId(id).setAddress(cluster.raftAddress(id)).build();
    RaftGroup group = RaftGroup.valueOf(dev.coffer.node.raft.RaftGateway.GROUP_ID, List.of(peer));
    try (RaftClient raft = RaftClient.newBuilder().setProperties(properties).setParameters(parameters)
        .setRaftGroup(group).setRetryPolicy(RetryPolicies.noRetry()).build()) {
      return raft.getGroupManagementApi(RaftPeerId.valueOf(id)).info(group.getGroupId()).isSuccess();
    }
  }

  /** The HTTP status of a GET, or an IOException when the connection is refused. */
  private static int adminStatus(String url, SSLContext tls) throws IOException, InterruptedException {
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3));
    if (tls != null) {
      builder.sslContext(tls);
    }
    HttpResponse<String> response = builder.build().send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    return response.statusCode();
  }

  /** Trusts the cluster's CA but presents no certificate. */
  private static SSLContext trustOnly(Path tls) throws Exception {
    TlsMaterial material = TlsMaterial.load(TlsFiles.inDirectory(tls, "admin"), Duration.ofMinutes(1));
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {material.trustManager(c -> true)}, null);
    return context;
  }

  private static SSLContext adminContext(TlsFiles files) throws Exception {
    TlsMaterial material = TlsMaterial.load(files, Duration.ofMinutes(1));
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(new KeyManager[] {material.keyManager()}, new TrustManager[] {material.trustManager(c -> true)},
        null);
    return context;
  }
}
