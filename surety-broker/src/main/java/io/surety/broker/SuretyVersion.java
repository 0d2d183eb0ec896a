package io.surety.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * The version of this build and the git commit it was built from, which Maven writes into
 * {@code version.properties} when it copies the resources. A build outside a git checkout has no
 * commit: {@code unknown}.
 */
public final class SuretyVersion implements IVersionProvider {

    private static final String UNKNOWN = "unknown";

    /** This build's version, e.g. {@code 0.1.0}. */
    public static String current() {
        return property("version");
    }

    /** The abbreviated git commit of this build, or {@code unknown}. */
    public static String commit() {
        return property("commit");
    }

    /**
     * Version and commit in one phrase, e.g. {@code 0.1.0 (commit 1a2b3c4d5e)}; a build from a
     * working tree with uncommitted changes says so.
     */
    public static String describe() {
        boolean modified = Boolean.parseBoolean(property("dirty"));
        return current() + " (commit " + commit() + (modified ? ", with uncommitted changes" : "") + ")";
    }

    private static String property(String key) {
        Properties props = new Properties();
        try (InputStream in = SuretyVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return UNKNOWN;
            }
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String value = props.getProperty(key, UNKNOWN);
        // Maven leaves a placeholder it could not fill (no git repository) as it was.
        return value.isEmpty() || value.startsWith("${") ? UNKNOWN : value;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"Surety " + describe()};
    }
}
