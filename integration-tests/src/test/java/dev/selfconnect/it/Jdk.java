package dev.selfconnect.it;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Assumptions;

/** The JDKs every container scenario runs on. Each has its own image: see {@link JdkImages}. */
public enum Jdk {
    JDK_17("17"),
    JDK_25("25");

    private static final Set<Jdk> SKIPS_SHOWN = EnumSet.noneOf(Jdk.class);

    final String version;

    Jdk(String version) {
        this.version = version;
    }

    /** A user-given image (e.g. {@code -Dit.image.jdk17=eclipse-temurin:17-jre}), or blank to build one locally. */
    String configuredImage() {
        return System.getProperty("it.image.jdk" + version, "").trim();
    }

    /**
     * The JDK from which the local image is linked ({@code test.jdk17} / {@code test.jdk25} in the root pom); where
     * none is given, the JDK running the tests for its own version.
     */
    String home() {
        String home = System.getProperty("it.jdk" + version + ".home", "").trim();
        if ((home.isEmpty() || home.startsWith("${")) && version.equals(Integer.toString(Runtime.version().feature()))) {
            return System.getProperty("java.home");
        }
        return home;
    }

    /**
     * Skips the calling test, saying why, when this JDK has neither an image nor a JDK to link one from; under
     * {@code CI=true} fails it instead.
     */
    void assumeAvailable() {
        if (!configuredImage().isEmpty() || Files.isExecutable(Paths.get(home(), "bin", "jlink"))) {
            return;
        }
        String why = "No " + this + " at '" + home() + "' to build the image from: set -Dtest.jdk" + version
                + "=<JDK home>, or -Dit.image.jdk" + version + "=<an image with java on its PATH>, e.g. eclipse-temurin:"
                + version + "-jre";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException(why + " (CI=true: not skipped)");
        }
        synchronized (SKIPS_SHOWN) {
            if (SKIPS_SHOWN.add(this)) {
                System.err.println(why + ": its container tests are skipped");
            }
        }
        Assumptions.abort(why + ": skipped");
    }

    @Override
    public String toString() {
        return "JDK " + version;
    }
}
