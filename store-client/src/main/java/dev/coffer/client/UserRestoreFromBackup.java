package dev.coffer.client;

import dev.coffer.proto.GetResult;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Puts one user back as a backup holds them, in a live cluster: for times older than the versions
 * kept. The backup's objects of that user (read by the node's {@code export-user}, which knows the
 * backup's on-disk format) are walked in key order beside the user's current objects: an object
 * the backup holds with other bytes, or that is gone, is written back (as a new version); an
 * object the backup does not hold is deleted. Other users are not touched. Each write is applied
 * exactly once; the whole is not one operation, so running it again after an interruption
 * finishes it (objects already as in the backup are left alone).
 */
public final class UserRestoreFromBackup {
    private static final long EXPORT_TIMEOUT_MINUTES = 60;
    private final CofferClient client;
    private final String user;
    private final boolean dryRun;
    private long examined;
    private long restored;
    private long deleted;
    private long unchanged;

    private UserRestoreFromBackup(CofferClient client, String user, boolean dryRun) {
        this.client = client;
        this.user = user;
        this.dryRun = dryRun;
    }

    /** The outcome, and the backup it came from. */
    public record Outcome(Path backup, BackupManifest manifest, RestoreReport report) {
    }

    /**
     * Restores {@code user} from the newest backup in {@code backups} (a backup set, or one
     * backup) taken at or before {@code asOf}. {@code nodeCommand} starts the node program
     * ({@code export-user} and its options follow it).
     */
    public static Outcome run(CofferClient client, String user, Path backups, Instant asOf, List<String> nodeCommand,
            boolean dryRun) throws IOException {
        Arguments.requireUser(user);
        BackupSet.Entry chosen = choose(backups, asOf);
        BackupCheck check = BackupVerifier.verify(chosen.dir());
        if (!check.intact()) {
            throw new InvalidArgumentException("backup " + chosen.dir() + " is not intact: "
                    + String.join("; ", check.problems()));
        }
        List<String> command = new ArrayList<>(nodeCommand);
        command.addAll(List.of("export-user", "--backup", chosen.dir().toString(), "--user", user));
        // The whole export is read before anything is written: a failed or cut-off export must
        // never look like a user with fewer objects (whose others would then be deleted).
        Path objects = Files.createTempFile("coffer-export", ".bin");
        Path errors = Files.createTempFile("coffer-export", ".log");
        Process export = new ProcessBuilder(command).redirectOutput(objects.toFile())
                .redirectError(errors.toFile()).start();
        try {
            if (!export.waitFor(EXPORT_TIMEOUT_MINUTES, TimeUnit.MINUTES) || export.exitValue() != 0) {
                throw new IOException("reading " + user + "'s objects from backup " + chosen.dir() + " failed: "
                        + Files.readString(errors, StandardCharsets.UTF_8).strip());
            }
            try (InputStream in = new BufferedInputStream(Files.newInputStream(objects), 1 << 20)) {
                UserRestoreFromBackup restore = new UserRestoreFromBackup(client, user, dryRun);
                restore.merge(new Exported(in), client.listAll(user, "").iterator());
                return new Outcome(chosen.dir(), chosen.manifest(), restore.report());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while restoring " + user, e);
        } finally {
            export.destroyForcibly();
            Files.deleteIfExists(objects);
            Files.deleteIfExists(errors);
        }
    }

    /** The newest backup taken at or before {@code asOf}. */
    static BackupSet.Entry choose(Path backups, Instant asOf) throws IOException {
        BackupSet.Entry chosen = null;
        for (BackupSet.Entry entry : BackupSet.list(backups)) {
            if (!entry.manifest().created().isAfter(asOf)) {
                chosen = entry;
            }
        }
        if (chosen == null) {
            throw new InvalidArgumentException("no backup in " + backups + " was taken at or before " + asOf);
        }
        return chosen;
    }

    private RestoreReport report() {
        return new RestoreReport(examined, restored, deleted, unchanged, 0, 0);
    }

    /** Walks the backup's objects and the current ones, both in key byte order. */
    private void merge(Iterator<Blob> backup, Iterator<ObjectInfo> current) {
        Blob b = next(backup);
        ObjectInfo c = next(current);
        while (b != null || c != null) {
            examined++;
            int order = b == null ? 1 : c == null ? -1 : compareKeys(b.info().key(), c.key());
            if (order < 0) {
                put(b);
                b = next(backup);
            } else if (order > 0) {
                deleted++;
                if (!dryRun) {
                    client.delete(user, c.key());
                }
                c = next(current);
            } else {
                if (b.info().size() == c.size() && b.info().crc32c() == c.crc32c()
                        && Arrays.equals(b.value(), client.get(user, c.key()).value())) {
                    unchanged++;
                } else {
                    put(b);
                }
                b = next(backup);
                c = next(current);
            }
        }
    }

    private void put(Blob b) {
        restored++;
        if (!dryRun) {
            client.put(user, b.info().key(), b.value());
        }
    }

    private static int compareKeys(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static <T> T next(Iterator<T> it) {
        return it.hasNext() ? it.next() : null;
    }

    /** The objects {@code export-user} writes: length-delimited GetResults, each value checked against its CRC32C. */
    private static final class Exported implements Iterator<Blob> {
        private final InputStream in;
        private Optional<Blob> next;

        Exported(InputStream in) {
            this.in = in;
        }

        @Override
        public boolean hasNext() {
            if (next == null) {
                next = read();
            }
            return next.isPresent();
        }

        @Override
        public Blob next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException();
            }
            Blob blob = next.get();
            next = null;
            return blob;
        }

        private Optional<Blob> read() {
            try {
                GetResult result = GetResult.parseDelimitedFrom(in);
                if (result == null) {
                    return Optional.empty();
                }
                return Optional.of(Responses.getResult(dev.coffer.proto.Response.newBuilder()
                        .setStatus(dev.coffer.proto.Status.OK).setGet(result).build(), "backup object"));
            } catch (IOException e) {
                throw new CofferException(ClientReasons.MALFORMED_RESPONSE, "reading the backup's objects failed: "
                        + e.getMessage());
            }
        }
    }
}
