package dev.coffer.client;

/**
 * What an undelete brought back.
 *
 * @param object          the object now (a new version)
 * @param restoredVersion the earlier version whose bytes it holds
 */
public record Undeleted(ObjectInfo object, long restoredVersion) {
}
