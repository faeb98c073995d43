package dev.coffer.node.backup;

import dev.coffer.client.BackupCheck;
import dev.coffer.client.BackupVerifier;
import dev.coffer.node.storage.CheckpointExport;
import dev.coffer.node.storage.Directories;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code coffer-node export-user --backup DIR --user USER}: writes one user's objects of a backup
 * to standard output, for {@code coffer restore-user --from} (the backup's files are RocksDB's
 * format, which only the node reads). Needs no cluster; changes nothing.
 */
@Command(name = "export-user", mixinStandardHelpOptions = true,
    description = {"Writes one user's objects of a backup to standard output, as length-delimited protobuf "
        + "GetResult messages in key order (what 'coffer restore-user --from' reads). Needs no cluster."})
public final class UserExportCommand implements Callable<Integer> {
  @Option(names = "--backup", required = true, paramLabel = "DIR", description = "one backup (holding manifest.json)")
  Path backup;

  @Option(names = "--user", required = true, paramLabel = "USER", description = "the user whose objects to write")
  String user;

  @Override
  public Integer call() throws Exception {
    // Standard output carries the objects: anything logged goes to standard error instead.
    OutputStream objects = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 20);
    System.setOut(System.err);
    BackupCheck check = BackupVerifier.verify(backup);
    if (!check.intact()) {
      throw new IllegalArgumentException("backup " + check.dir() + " is not intact: "
          + String.join("; ", check.problems()));
    }
    Path scratch = Files.createTempDirectory("coffer-export");
    try (OutputStream out = objects) {
      CheckpointExport.user(check.dir().resolve("files"), scratch, user, out);
    } finally {
      Directories.deleteTree(scratch);
    }
    return 0;
  }
}
