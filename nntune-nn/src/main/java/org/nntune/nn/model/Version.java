package org.nntune.nn.model;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The nntune version, from the build (recorded in model files). */
public final class Version {
    /** This nntune's version, e.g. {@code 0.1.0-SNAPSHOT} ("unknown" outside a build). */
    public static final String NNTUNE = read();

    private Version() {}

    private static String read() {
        try (InputStream in = Version.class.getResourceAsStream("/org/nntune/nn/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
