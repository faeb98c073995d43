package dev.coffer.node.storage;

import dev.coffer.proto.AccessGrant;
import dev.coffer.proto.AccessPolicy;
import dev.coffer.proto.Permission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Changes to the replicated access policy: grants merge per (principal, user prefix), revokes take permissions away. */
final class AccessPolicies {
  private AccessPolicies() {}

  /** Why {@code grant} is not a valid grant or revoke, or empty. */
  static Optional<String> check(AccessGrant grant) {
    if (!grant.getPrincipal().matches("[A-Za-z0-9._-]{1,64}")) {
      return Optional.of("a principal is 1-64 characters of [A-Za-z0-9._-], as the CN of its certificate");
    }
    if (grant.getPermissionsList().isEmpty() || grant.getPermissionsList().contains(Permission.PERMISSION_UNSPECIFIED)
        || grant.getPermissionsList().contains(Permission.UNRECOGNIZED)) {
      return Optional.of("name the permissions: read, write, admin");
    }
    if (grant.getPermissionsList().contains(Permission.ADMIN) && !grant.getUserPrefix().isEmpty()) {
      return Optional.of("admin covers the whole cluster: it takes no user prefix");
    }
    if (!grant.getUserPrefix().isEmpty()) {
      return Validation.checkUser(grant.getUserPrefix()).map(problem -> "user prefix: " + problem);
    }
    return Optional.empty();
  }

  static AccessPolicy grant(AccessPolicy policy, AccessGrant grant) {
    return change(policy, grant, true);
  }

  static AccessPolicy revoke(AccessPolicy policy, AccessGrant revoke) {
    return change(policy, revoke, false);
  }

  private static AccessPolicy change(AccessPolicy policy, AccessGrant change, boolean add) {
    List<AccessGrant> grants = new ArrayList<>();
    boolean merged = false;
    for (AccessGrant existing : policy.getGrantsList()) {
      if (!existing.getPrincipal().equals(change.getPrincipal())
          || !existing.getUserPrefix().equals(change.getUserPrefix())) {
        grants.add(existing);
        continue;
      }
      merged = true;
      Set<Permission> permissions = EnumSet.noneOf(Permission.class);
      permissions.addAll(existing.getPermissionsList());
      if (add) {
        permissions.addAll(change.getPermissionsList());
      } else {
        change.getPermissionsList().forEach(permissions::remove);
      }
      if (!permissions.isEmpty()) {
        grants.add(existing.toBuilder().clearPermissions().addAllPermissions(permissions).build());
      }
    }
    if (add && !merged) {
      Set<Permission> permissions = EnumSet.copyOf(change.getPermissionsList());
      grants.add(change.toBuilder().clearPermissions().addAllPermissions(permissions).build());
    }
    return AccessPolicy.newBuilder().addAllGrants(grants).build();
  }
}
