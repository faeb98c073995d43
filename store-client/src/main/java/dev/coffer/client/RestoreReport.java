package dev.coffer.client;

import dev.coffer.proto.RestoreUserResult;

/**
 * What a per-user restore did (or, for a dry run, would do), over all of its steps.
 *
 * @param examined  objects looked at
 * @param restored  objects given their bytes of then back, as new versions
 * @param deleted   objects created since then, deleted (their deletion can be undone too)
 * @param unchanged objects already as they were
 * @param skipped   objects that existed then but whose version of then is not kept (written while
 *                  versions were off): left as they are
 * @param steps     log entries the restore took
 */
public record RestoreReport(long examined, long restored, long deleted, long unchanged, long skipped, int steps) {
    static final RestoreReport NONE = new RestoreReport(0, 0, 0, 0, 0, 0);

    RestoreReport plus(RestoreUserResult step) {
        return new RestoreReport(examined + step.getExamined(), restored + step.getRestored(),
                deleted + step.getDeleted(), unchanged + step.getUnchanged(), skipped + step.getSkipped(), steps + 1);
    }
}
