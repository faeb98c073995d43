package dev.coffer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coffer.client.CofferException;
import dev.coffer.client.CorruptDataException;
import dev.coffer.client.InvalidArgumentException;
import dev.coffer.client.NotFoundException;
import dev.coffer.client.UnavailableException;
import dev.coffer.client.ValueTooLargeException;
import dev.coffer.client.VersionConflictException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class ExitCodesTest {

    @Test
    void forFailure_notFound_isThree() {
        assertEquals(3, ExitCodes.forFailure(new NotFoundException("no such key")));
    }

    @Test
    void forFailure_invalidArgument_isUsage() {
        assertEquals(2, ExitCodes.forFailure(new InvalidArgumentException("bad user id")));
    }

    @Test
    void forFailure_clusterFailures_areOne() {
        assertEquals(1, ExitCodes.forFailure(new VersionConflictException("version is 7")));
        assertEquals(1, ExitCodes.forFailure(new UnavailableException("TIMEOUT", "no leader", true)));
        assertEquals(1, ExitCodes.forFailure(new CorruptDataException("crc mismatch")));
        assertEquals(1, ExitCodes.forFailure(new ValueTooLargeException("above 64 MiB")));
        assertEquals(1, ExitCodes.forFailure(new CofferException("INTERNAL", "storage failed")));
    }

    @Test
    void forFailure_localFailures_areOne() {
        assertEquals(1, ExitCodes.forFailure(new IOException("disk full")));
        assertEquals(1, ExitCodes.forFailure(new IllegalStateException("bug")));
    }
}
