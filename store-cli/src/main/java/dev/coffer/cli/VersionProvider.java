package dev.coffer.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** Reads the version Maven records in the jar, so it never drifts from the POM. */
final class VersionProvider implements IVersionProvider {
    private static final String POM_PROPERTIES = "/META-INF/maven/dev.coffer/coffer-cli/pom.properties";

    @Override
    public String[] getVersion() throws IOException {
        try (InputStream in = VersionProvider.class.getResourceAsStream(POM_PROPERTIES)) {
            if (in == null) {
                return new String[] {"coffer (development build, not packaged by Maven)"};
            }
            Properties properties = new Properties();
            properties.load(in);
            return new String[] {"coffer " + properties.getProperty("version", "unknown")};
        }
    }
}
