package dev.coffer.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How the CLI starts a node process (for {@code backup verify --restore}): {@code java -jar} the
 * node's jar, found through {@code COFFER_NODE_JAR} (which {@code scripts/coffer} sets), else
 * beside the CLI's own jar.
 */
final class NodeCommand {
    static final String JAR_VARIABLE = "COFFER_NODE_JAR";
    private static final String JAR_NAME = "coffer-node.jar";

    private NodeCommand() {
    }

    static List<String> find() {
        Path jar = fromEnvironment().or(NodeCommand::besideCli).orElseThrow(() -> new IllegalStateException(
                "cannot find " + JAR_NAME + ": set " + JAR_VARIABLE + " to its path (scripts/coffer does)"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-jar", jar.toString());
    }

    private static Optional<Path> fromEnvironment() {
        String named = System.getenv(JAR_VARIABLE);
        return named == null || named.isBlank() ? Optional.empty() : Optional.of(Path.of(named)).filter(Files::isRegularFile);
    }

    private static Optional<Path> besideCli() {
        try {
            Path cli = Path.of(NodeCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Optional.ofNullable(cli.getParent()).map(dir -> dir.resolve(JAR_NAME)).filter(Files::isRegularFile);
        } catch (URISyntaxException | SecurityException e) {
            return Optional.empty();
        }
    }
}
