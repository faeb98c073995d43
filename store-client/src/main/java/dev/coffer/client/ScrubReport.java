package dev.coffer.client;

import java.util.List;

/**
 * What a scrub of one node found.
 *
 * @param nodeId         the node
 * @param objectsChecked how many stored objects it re-read
 * @param corruptObjects how many failed their size or CRC32C check
 * @param corrupt        "user/key" of the first ones found
 */
public record ScrubReport(String nodeId, long objectsChecked, long corruptObjects, List<String> corrupt) {
    public ScrubReport {
        corrupt = List.copyOf(corrupt);
    }
}
