package dev.coffer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coffer.client.ObjectInfo;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The line formats of head and list, which scripts parse. */
class RenderingTest {
    private static final ObjectInfo PHOTO = new ObjectInfo("photos/1", 42, 10240, 0x0badcafe,
            Instant.parse("2025-01-02T03:04:05Z"), Instant.parse("2025-01-02T03:04:06.500Z"));

    @Test
    void headRender_printsEveryFieldOnItsOwnLine() {
        String nl = System.lineSeparator();
        assertEquals("version   42" + nl + "size      10240" + nl + "crc32c    0badcafe" + nl
                + "created   2025-01-02T03:04:05Z" + nl + "modified  2025-01-02T03:04:06.500Z" + nl,
                HeadCommand.render(PHOTO));
    }

    @Test
    void headRender_negativeCrc_printsItUnsigned() {
        ObjectInfo info = new ObjectInfo("k", 1, 0, 0xffffffff, Instant.EPOCH, Instant.EPOCH);

        assertEquals("crc32c    ffffffff", HeadCommand.render(info).lines().toList().get(2));
    }

    @Test
    void listLine_isTabSeparated() {
        assertEquals("photos/1\t10240\t42\t2025-01-02T03:04:06.500Z", ListCommand.line(PHOTO));
    }
}
