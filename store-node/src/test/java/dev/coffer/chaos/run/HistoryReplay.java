package dev.coffer.chaos.run;

import dev.coffer.check.CheckResult;
import dev.coffer.check.HistoryFiles;
import dev.coffer.check.LinearizabilityChecker;
import dev.coffer.check.RegisterCodec;
import dev.coffer.check.RegisterModel;
import dev.coffer.check.SetCodec;
import dev.coffer.check.SetHistoryChecker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks histories a failed run kept ({@code register.history}, {@code set.history}) again, without
 * a cluster: {@code chaos.sh --check PATH...}, each PATH a history file or a folder holding them.
 * Exit status 0 if every history is OK, 1 if any is ILLEGAL or undecided, 2 on bad arguments.
 */
public final class HistoryReplay {
  private static final Duration CHECK_LIMIT = Duration.ofSeconds(60);

  private HistoryReplay() {}

  public static void main(String[] args) {
    if (args.length == 0) {
      System.err.println("usage: chaos.sh --check PATH...  (register.history, set.history, or a folder of them)");
      System.exit(2);
    }
    boolean allOk = true;
    try {
      for (Path file : historyFiles(args)) {
        CheckResult result = check(file);
        System.out.println(file + ": " + result);
        allOk &= result.isOk();
      }
    } catch (IllegalArgumentException e) {
      System.err.println("chaos.sh --check: " + e.getMessage());
      System.exit(2);
    }
    System.exit(allOk ? 0 : 1);
  }

  /** The checker's verdict on one kept history; which model applies follows from the file name. */
  static CheckResult check(Path file) {
    String name = file.getFileName().toString();
    if (name.equals("register.history")) {
      return LinearizabilityChecker.check(new RegisterModel(), HistoryFiles.read(file, RegisterCodec.INSTANCE),
          CHECK_LIMIT);
    }
    if (name.equals("set.history")) {
      return SetHistoryChecker.check(HistoryFiles.read(file, SetCodec.INSTANCE));
    }
    throw new IllegalArgumentException(file + ": expected a file named register.history or set.history");
  }

  private static List<Path> historyFiles(String[] args) {
    List<Path> files = new ArrayList<>();
    for (String arg : args) {
      Path path = Path.of(arg);
      if (Files.isDirectory(path)) {
        for (String name : List.of("register.history", "set.history")) {
          if (Files.exists(path.resolve(name))) {
            files.add(path.resolve(name));
          }
        }
      } else if (Files.exists(path)) {
        files.add(path);
      } else {
        throw new IllegalArgumentException(path + " does not exist");
      }
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no register.history or set.history under " + String.join(" ", args));
    }
    return files;
  }
}
