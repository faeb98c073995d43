package dev.coffer.node.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coffer.cli.CertificateIssuer;
import dev.coffer.client.AccessGrant;
import dev.coffer.client.AccessGrant.Permission;
import dev.coffer.client.CofferClient;
import dev.coffer.client.PermissionDeniedException;
import dev.coffer.client.TlsFiles;
import dev.coffer.node.testing.ProcessCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every operation against every kind of principal, on a 3-process cluster with TLS on: admin
 * (the nodes' tls.admins), app (read and write on all users), reader (read only), alice-app (read
 * and write on users starting with "alice"), nobody (no grant). Each call is allowed or refused
 * with PERMISSION_DENIED exactly as the policy says.
 */
class PermissionMatrixTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final byte[] VALUE = "v".getBytes(StandardCharsets.UTF_8);

  @TempDir
  Path dir;
  ProcessCluster cluster;
  final List<CofferClient> clients = new ArrayList<>();

  @AfterEach
  void tearDown() {
    clients.forEach(CofferClient::close);
    if (cluster != null) {
      cluster.close();
    }
  }

  private interface Call {
    void run(CofferClient client) throws Exception;
  }

  @Test
  void everyOperation_byEveryKindOfPrincipal_isAllowedOrDeniedAsThePolicySays() throws Exception {
    Path tls = dir.resolve("tls");
    CertificateIssuer issuer = CertificateIssuer.createCa(tls, Duration.ofDays(2));
    for (String node : List.of("n1", "n2", "n3")) {
      issuer.issueNode(node, List.of(), Duration.ofDays(1));
    }
    List<String> principals = List.of("admin", "app", "reader", "alice-app", "nobody");
    Instant now = Instant.now();
    for (String principal : principals) {
      issuer.issueClient(principal, now.minusSeconds(60), now.plus(Duration.ofDays(1)));
    }
    cluster = ProcessCluster.startTls(dir.resolve("cluster"), 3, tls);
    CofferClient admin = client(tls, "admin");
    admin.grant(new AccessGrant("app", Set.of(Permission.READ, Permission.WRITE), ""));
    admin.grant(new AccessGrant("reader", Set.of(Permission.READ), ""));
    List<AccessGrant> policy = admin.grant(new AccessGrant("alice-app", Set.of(Permission.READ, Permission.WRITE),
        "alice"));
    assertEquals(3, policy.size(), policy.toString());
    admin.put("alice", "k", VALUE);
    admin.put("bob", "k", VALUE);

    Map<String, Call> operations = new LinkedHashMap<>();
    operations.put("put alice", c -> c.put("alice", "k", VALUE));
    operations.put("put bob", c -> c.put("bob", "k", VALUE));
    operations.put("get alice", c -> c.get("alice", "k"));
    operations.put("get bob", c -> c.get("bob", "k"));
    operations.put("list alice", c -> c.list("alice", dev.coffer.client.ListOptions.builder().build()));
    operations.put("usage bob", c -> c.usage("bob"));
    operations.put("versions alice", c -> c.versions("alice", "k"));
    operations.put("delete bob other", c -> c.delete("bob", "other"));
    operations.put("status", c -> c.status(cluster.endpoints().split(",")[0]));
    operations.put("snapshot", c -> c.snapshot(cluster.endpoints().split(",")[0], TIMEOUT));
    operations.put("scrub", c -> c.scrub(cluster.endpoints().split(",")[0], TIMEOUT));
    operations.put("verify marker", CofferClient::markDigest);
    operations.put("member remove (dry run)", c -> c.removeMember("n3", true, TIMEOUT));
    operations.put("access list", CofferClient::accessPolicy);
    operations.put("restore-user (dry run)", c -> c.restoreUser("alice", Instant.now(), true));
    operations.put("backup", c -> c.backupInto(dir.resolve("backups"), TIMEOUT));

    Map<String, Set<String>> allowed = new TreeMap<>();
    allowed.put("admin", operations.keySet());
    allowed.put("app", Set.of("put alice", "put bob", "get alice", "get bob", "list alice", "usage bob",
        "versions alice", "delete bob other", "status"));
    allowed.put("reader", Set.of("get alice", "get bob", "list alice", "usage bob", "versions alice", "status"));
    allowed.put("alice-app", Set.of("put alice", "get alice", "list alice", "versions alice", "status"));
    allowed.put("nobody", Set.of("status"));

    Map<String, Set<String>> observed = new TreeMap<>();
    for (String principal : principals) {
      CofferClient client = principal.equals("admin") ? admin : client(tls, principal);
      Set<String> ok = new java.util.LinkedHashSet<>();
      for (Map.Entry<String, Call> operation : operations.entrySet()) {
        try {
          operation.getValue().run(client);
          ok.add(operation.getKey());
        } catch (PermissionDeniedException e) {
          // refused, as expected or not: the comparison below says
        }
      }
      observed.put(principal, ok);
    }
    for (String principal : principals) {
      assertEquals(new java.util.TreeSet<>(allowed.get(principal)), new java.util.TreeSet<>(observed.get(principal)),
          "what " + principal + " may do");
    }
  }

  private CofferClient client(Path tls, String principal) {
    CofferClient client = CofferClient.builder().endpoints(cluster.endpoints()).operationTimeout(TIMEOUT)
        .tls(TlsFiles.inDirectory(tls, principal)).build();
    clients.add(client);
    return client;
  }
}
