package dev.coffer.client;

import java.util.List;
import java.util.Optional;

/**
 * One page of a listing, in key order.
 *
 * @param objects   the objects of this page
 * @param truncated true when more keys match than this page holds
 */
public record ListPage(List<ObjectInfo> objects, boolean truncated) {
    public ListPage {
        objects = List.copyOf(objects);
    }

    /** The {@code startAfter} that fetches the next page, or empty when this is the last page. */
    public Optional<String> nextStartAfter() {
        if (!truncated || objects.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(objects.get(objects.size() - 1).key());
    }
}
