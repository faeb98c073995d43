package dev.coffer.client;

import java.util.List;

/**
 * One page of an object's versions, newest first. When {@code truncated}, older ones remain: ask
 * again with {@link #nextBeforeVersion()}.
 */
public record VersionPage(List<ObjectVersion> versions, boolean truncated) {
    public VersionPage {
        versions = List.copyOf(versions);
    }

    /** The version to ask for older ones before; 0 when the page is empty. */
    public long nextBeforeVersion() {
        return versions.isEmpty() ? 0 : versions.get(versions.size() - 1).info().version();
    }
}
