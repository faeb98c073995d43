package dev.coffer.cli;

import dev.coffer.client.CofferClient;
import dev.coffer.client.ObjectInfo;
import dev.coffer.client.PutOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "put",
        description = {"Stores a blob and prints its new version.",
            "The value is read from standard input unless --file is given."})
final class PutCommand extends ClientCommand {
    @Mixin
    ObjectRef object;

    @Option(names = "--file", paramLabel = "FILE", description = "Read the value from FILE.")
    Path file;

    @Option(names = "--if-absent", description = "Only create: fail with a version conflict if the key exists.")
    boolean ifAbsent;

    @Option(names = "--if-version", paramLabel = "V",
            description = "Only overwrite version V: fail with a version conflict otherwise.")
    Long ifVersion;

    @Override
    void checkArguments() {
        if (ifAbsent && ifVersion != null) {
            throw usageError("--if-absent and --if-version cannot be combined");
        }
        if (ifVersion != null && ifVersion < 1) {
            throw usageError("--if-version must be a version (1 or more), not " + ifVersion);
        }
    }

    @Override
    int run(CofferClient client) throws IOException {
        byte[] value = file != null ? Files.readAllBytes(file) : readStandardInput();
        ObjectInfo stored;
        if (ifAbsent) {
            stored = client.put(object.user, object.key, value, PutOptions.ifAbsent());
        } else if (ifVersion != null) {
            stored = client.put(object.user, object.key, value, PutOptions.ifVersion(ifVersion));
        } else {
            stored = client.put(object.user, object.key, value);
        }
        out().println(stored.version());
        return ExitCodes.OK;
    }

    private byte[] readStandardInput() throws IOException {
        if (console().interactive()) {
            // Otherwise a forgotten --file looks like a hang.
            console().err().println("coffer: reading the value from standard input; end it with Ctrl-D");
        }
        // A plain read loop: FileInputStream.readAllBytes seeks to size its buffer, which fails
        // with "Illegal seek" when standard input is a pipe.
        InputStream in = console().in();
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        byte[] chunk = new byte[64 * 1024];
        for (int read = in.read(chunk); read != -1; read = in.read(chunk)) {
            value.write(chunk, 0, read);
        }
        return value.toByteArray();
    }

    @Override
    String subject() {
        return object.describe();
    }
}
