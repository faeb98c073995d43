package dev.coffer.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ValueTypesTest {
    private static final Instant T = Instant.ofEpochMilli(1_000);

    @Test
    void blob_copiesValueInAndOut() {
        byte[] value = {1, 2, 3};
        Blob blob = new Blob(info("k"), value);

        value[0] = 9;
        blob.value()[1] = 9;

        assertArrayEquals(new byte[] {1, 2, 3}, blob.value());
        assertTrue(blob.asReadOnlyBuffer().isReadOnly());
        assertEquals(3, blob.size());
        assertEquals(new Blob(info("k"), new byte[] {1, 2, 3}), blob);
    }

    @Test
    void listPage_nextStartAfter_isLastKeyOnlyWhenTruncated() {
        assertEquals(Optional.of("b"), new ListPage(List.of(info("a"), info("b")), true).nextStartAfter());
        assertEquals(Optional.empty(), new ListPage(List.of(info("a"), info("b")), false).nextStartAfter());
        assertEquals(Optional.empty(), new ListPage(List.of(), true).nextStartAfter());
    }

    @Test
    void listPage_isUnaffectedByChangesToTheCallersList() {
        List<ObjectInfo> objects = new ArrayList<>(List.of(info("a")));
        ListPage page = new ListPage(objects, false);

        objects.add(info("b"));

        assertEquals(1, page.objects().size());
        assertThrows(UnsupportedOperationException.class, () -> page.objects().add(info("c")));
    }

    @Test
    void conditions_versionBelowOne_isRejected() {
        assertEquals("version must be at least 1 (versions are log indexes), got 0",
                assertThrows(IllegalArgumentException.class, () -> PutOptions.ifVersion(0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> DeleteOptions.ifVersion(-5));
        assertEquals(7, PutOptions.ifVersion(7).expectedVersion().getAsLong());
    }

    @Test
    void listOptions_withStartAfter_keepsTheOtherSettings() {
        ListOptions options = ListOptions.builder().prefix("p").limit(10).readOptions(ReadOptions.stale()).build();

        ListOptions next = options.withStartAfter("p5");

        assertEquals("p", next.prefix());
        assertEquals("p5", next.startAfter());
        assertEquals(10, next.limit());
        assertTrue(next.readOptions().staleOk());
        assertEquals("limit must be 0 (node default) or positive, got -1",
                assertThrows(IllegalArgumentException.class, () -> ListOptions.builder().limit(-1)).getMessage());
    }

    private static ObjectInfo info(String key) {
        return new ObjectInfo(key, 1, 3, 0, T, T);
    }
}
