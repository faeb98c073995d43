package dev.coffer.client;

import java.util.Collections;
import java.util.Iterator;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** Walks a listing page by page, fetching the next page only when the previous one is used up. */
final class ListingSpliterator extends Spliterators.AbstractSpliterator<ObjectInfo> {
    private final CofferClient client;
    private final String user;
    private ListOptions nextPage;
    private Iterator<ObjectInfo> page = Collections.emptyIterator();

    private ListingSpliterator(CofferClient client, String user, ListOptions firstPage) {
        super(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.DISTINCT | Spliterator.NONNULL);
        this.client = client;
        this.user = user;
        this.nextPage = firstPage;
    }

    static Stream<ObjectInfo> stream(CofferClient client, String user, ListOptions options) {
        return StreamSupport.stream(new ListingSpliterator(client, user, options), false);
    }

    @Override
    public boolean tryAdvance(Consumer<? super ObjectInfo> action) {
        while (!page.hasNext()) {
            if (nextPage == null) {
                return false;
            }
            ListPage fetched = client.list(user, nextPage);
            // A truncated page always ends with the key to continue after; an empty one cannot, so it ends the walk.
            nextPage = fetched.nextStartAfter().map(nextPage::withStartAfter).orElse(null);
            page = fetched.objects().iterator();
        }
        action.accept(page.next());
        return true;
    }
}
