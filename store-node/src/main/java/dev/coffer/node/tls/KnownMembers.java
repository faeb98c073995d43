package dev.coffer.node.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The node ids this node accepts as Raft peers over TLS: the members of the cluster's current
 * configuration, and every id it has known as a member (its configuration file's peers, and each
 * member it has seen since, kept in {@code DATA/known-members}), so that a member being added or
 * rejoining after a lost disk — not yet in the configuration while the leader stages it — is
 * still accepted. A certificate from the cluster's CA that names none of them is refused.
 */
public final class KnownMembers {
  private final Path file;
  private final Set<String> known = ConcurrentHashMap.newKeySet();
  private volatile Supplier<Collection<String>> current = Set::of;

  private KnownMembers(Path file) {
    this.file = file;
  }

  /** Loads {@code DATA/known-members} and adds {@code initial} (the configuration file's peers). */
  public static KnownMembers load(Path dataDir, Collection<String> initial) throws IOException {
    KnownMembers members = new KnownMembers(dataDir.resolve("known-members"));
    if (Files.exists(members.file)) {
      for (String line : Files.readAllLines(members.file, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          members.known.add(line.trim());
        }
      }
    }
    for (String id : initial) {
      members.remember(id);
    }
    return members;
  }

  /** Where the current configuration's member ids come from, once the Raft server runs. */
  public void followConfiguration(Supplier<Collection<String>> currentMembers) {
    this.current = currentMembers;
  }

  /** Accepts {@code id} from now on: a member about to be added. */
  public void approve(String id) {
    remember(id);
  }

  public boolean accepts(String id) {
    if (known.contains(id)) {
      return true;
    }
    if (current.get().contains(id)) {
      remember(id);
      return true;
    }
    return false;
  }

  private synchronized void remember(String id) {
    if (!known.add(id)) {
      return;
    }
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, id + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND, StandardOpenOption.SYNC);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record member " + id + " in " + file, e);
    }
  }
}
