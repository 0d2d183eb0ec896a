package io.surety.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version of this build, which Maven writes into {@code version.properties} when it copies the resources. */
public final class SuretyVersion implements IVersionProvider {

    /** This build's version, e.g. {@code 0.1.0}. */
    public static String current() {
        Properties props = new Properties();
        try (InputStream in = SuretyVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return props.getProperty("version", "unknown");
    }

    @Override
    public String[] getVersion() {
        return new String[] {"Surety " + current()};
    }
}
