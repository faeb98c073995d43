package dev.coffer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.client.CofferException;
import dev.coffer.client.InvalidArgumentException;
import dev.coffer.client.NotFoundException;
import dev.coffer.client.UnavailableException;
import dev.coffer.client.ValueTooLargeException;
import dev.coffer.client.VersionConflictException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

class FailureMessagesTest {
    private static final String PHOTO = "user alice key photos/1";
    /** How the client words its failures: the operation and object, then the reason. */
    private static final String PUT_PHOTO = "put (user alice, key 'photos/1')";

    @Test
    void describe_notFound_namesTheObjectOnly() {
        assertEquals("not found: user alice key photos/1",
                FailureMessages.describe(new NotFoundException("get (user alice, key 'photos/1'): no such key"), PHOTO));
    }

    @Test
    void describe_notFoundWithoutSubject_usesTheClientsMessage() {
        assertEquals("not found: get (user a, key 'k'): no such key",
                FailureMessages.describe(new NotFoundException("get (user a, key 'k'): no such key"), null));
    }

    @Test
    void describe_versionConflict_keepsTheClientsWording() {
        assertEquals("version conflict: " + PUT_PHOTO + ": current version is 9",
                FailureMessages.describe(new VersionConflictException(PUT_PHOTO + ": current version is 9"), PHOTO));
    }

    @Test
    void describe_valueTooLarge_isNotCalledAnInvalidArgument() {
        assertTrue(FailureMessages.describe(new ValueTooLargeException("limit 64 MiB"), PHOTO)
                .startsWith("value too large: "));
        assertTrue(FailureMessages.describe(new InvalidArgumentException("bad user id"), PHOTO)
                .startsWith("invalid argument: "));
    }

    @Test
    void describe_unavailableWithUnknownOutcome_saysTheWriteMayHaveHappened() {
        String line = FailureMessages.describe(
                new UnavailableException("TIMEOUT", PUT_PHOTO + ": no leader", true), PHOTO);

        assertTrue(line.startsWith("cluster unavailable: " + PUT_PHOTO + ": no leader;"), line);
        assertTrue(line.contains("may or may not have been applied"), line);
    }

    @Test
    void describe_unavailableWithKnownOutcome_saysNothingAboutTheWrite() {
        assertEquals("cluster unavailable: refused",
                FailureMessages.describe(new UnavailableException("CONNECT_FAILED", "refused", false), null));
    }

    @Test
    void describe_failureWithoutMessage_fallsBackToTheSubject() {
        assertEquals("failed (INTERNAL): user alice key photos/1",
                FailureMessages.describe(new CofferException("INTERNAL", ""), PHOTO));
    }

    @Test
    void describe_otherStatus_namesIt() {
        assertEquals("failed (INTERNAL): storage error",
                FailureMessages.describe(new CofferException("INTERNAL", "storage error"), PHOTO));
    }

    @Test
    void describe_missingInputFile_namesTheFile() {
        assertEquals("no such file: /tmp/absent",
                FailureMessages.describe(new UncheckedIOException(new NoSuchFileException("/tmp/absent")), PHOTO));
    }

    @Test
    void describe_otherIoError_isAnIoError() {
        assertEquals("I/O error: disk full", FailureMessages.describe(new IOException("disk full"), PHOTO));
    }

    @Test
    void describe_bug_pointsToVerbose() {
        String line = FailureMessages.describe(new IllegalStateException("oops"), PHOTO);

        assertTrue(line.startsWith("internal error: java.lang.IllegalStateException: oops"), line);
        assertTrue(line.contains("--verbose"), line);
    }
}
