package dev.coffer.node.net;

import dev.coffer.node.admin.NodeMetrics;
import dev.coffer.proto.AccessGrant;
import dev.coffer.proto.AccessPolicy;
import dev.coffer.proto.Permission;
import dev.coffer.proto.Request;
import dev.coffer.proto.Response;
import dev.coffer.proto.Status;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may do what, with TLS on: the client's principal (its certificate's CN) needs READ on the
 * user for a read, WRITE for a write, and ADMIN for anything that acts on the cluster. The
 * principals of {@code tls.admins} have every permission; the others those the replicated
 * policy grants them. Without TLS there are no principals and everything is allowed (plain text
 * is for local demos). Every refusal is logged and counted; every admin operation leaves an
 * audit line.
 */
public final class AccessControl {
  private static final Logger LOG = LoggerFactory.getLogger(AccessControl.class);
  private static final Logger AUDIT = LoggerFactory.getLogger("dev.coffer.audit");

  private final boolean enforced;
  private final Set<String> admins;
  private final Set<String> metricsReaders;
  private final Supplier<AccessPolicy> policy;
  private final NodeMetrics metrics;

  /**
   * {@code metricsReaders}: principals that may read the admin port's {@code /metrics} (a scraper)
   * without the admin permission the admin port otherwise needs.
   */
  public AccessControl(boolean enforced, Set<String> admins, Set<String> metricsReaders, Supplier<AccessPolicy> policy,
      NodeMetrics metrics) {
    this.enforced = enforced;
    this.admins = Set.copyOf(admins);
    this.metricsReaders = Set.copyOf(metricsReaders);
    this.policy = policy;
    this.metrics = metrics;
  }

  /** The refusal to answer, or empty when {@code principal} may make {@code request}. */
  Optional<Response> check(Optional<String> principal, Request request) {
    if (!enforced) {
      return Optional.empty();
    }
    Required required = required(request);
    if (required == null) {
      return Optional.empty();
    }
    String who = principal.orElse("");
    String op = request.getOpCase().name().toLowerCase(Locale.ROOT);
    if (has(who, required.permission(), required.user())) {
      if (required.permission() == Permission.ADMIN) {
        AUDIT.info("principal={} op={}", who, op);
      }
      return Optional.empty();
    }
    metrics.permissionDenied(op);
    LOG.warn("Permission denied: principal={} op={} user={}", who, op, required.user());
    return Optional.of(Response.newBuilder().setStatus(Status.PERMISSION_DENIED).setErrorMessage("principal '" + who
        + "' may not " + op + (required.user().isEmpty() ? "" : " for user " + required.user()) + ": it needs the "
        + required.permission().name().toLowerCase(Locale.ROOT) + " permission"
        + (required.user().isEmpty() ? "" : " on that user") + " (coffer access grant)").build());
  }

  /** Whether {@code principal} may GET {@code path} on the admin port: admins, and metrics readers for /metrics. */
  public boolean mayReadAdminPath(String principal, String path) {
    if (!enforced || has(principal, Permission.ADMIN, "")
        || ("/metrics".equals(path) && metricsReaders.contains(principal))) {
      return true;
    }
    metrics.permissionDenied("admin-port");
    LOG.warn("Permission denied: principal={} op=GET {} on the admin port", principal, path);
    return false;
  }

  private boolean has(String principal, Permission permission, String user) {
    if (admins.contains(principal)) {
      return true;
    }
    for (AccessGrant grant : policy.get().getGrantsList()) {
      if (grant.getPrincipal().equals(principal) && grant.getPermissionsList().contains(permission)
          && (permission == Permission.ADMIN || user.startsWith(grant.getUserPrefix()))) {
        return true;
      }
    }
    return false;
  }

  private record Required(Permission permission, String user) {}

  /** What {@code request} needs; null when any principal may make it (status, or an unknown op). */
  private static Required required(Request request) {
    return switch (request.getOpCase()) {
      case PUT -> new Required(Permission.WRITE, request.getPut().getUser());
      case DELETE -> new Required(Permission.WRITE, request.getDelete().getUser());
      case UNDELETE -> new Required(Permission.WRITE, request.getUndelete().getUser());
      case GET -> new Required(Permission.READ, request.getGet().getUser());
      case HEAD -> new Required(Permission.READ, request.getHead().getUser());
      case LIST -> new Required(Permission.READ, request.getList().getUser());
      case USAGE -> new Required(Permission.READ, request.getUsage().getUser());
      case VERSIONS -> new Required(Permission.READ, request.getVersions().getUser());
      case RESTORE_USER, MEMBERSHIP, MARK_DIGEST, DIGEST, SCRUB, SNAPSHOT, BACKUP_BEGIN, BACKUP_CHUNK, BACKUP_END,
          ACCESS -> new Required(Permission.ADMIN, "");
      case STATUS, LEADER_CHECK, OP_NOT_SET -> null;
    };
  }
}
