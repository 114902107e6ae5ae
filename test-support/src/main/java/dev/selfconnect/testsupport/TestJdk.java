package dev.selfconnect.testsupport;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A JDK the tests run the agent on: its feature version and, where this machine has it, its home, whose bin/java runs
 * as it is. A JDK the machine lacks is still listed, so that each test meant for it is counted: the first use of its
 * home skips that test with the reason ({@link Preconditions}).
 */
public class TestJdk {

    private final int feature;
    private final Path home;
    private final String whyMissing;

    protected TestJdk(int feature, Path home, String whyMissing) {
        if ((home == null) == (whyMissing == null)) {
            throw new IllegalArgumentException("a test JDK has either a home or the reason it has none");
        }
        this.feature = feature;
        this.home = home;
        this.whyMissing = whyMissing;
    }

    /** The same JDK, for a module's own subclass. */
    protected TestJdk(TestJdk jdk) {
        this(jdk.feature, jdk.home, jdk.whyMissing);
    }

    public static TestJdk at(int feature, Path home) {
        return new TestJdk(feature, Objects.requireNonNull(home, "home"), null);
    }

    public static TestJdk missing(int feature, String why) {
        return new TestJdk(feature, null, Objects.requireNonNull(why, "why"));
    }

    public final int feature() {
        return feature;
    }

    public final boolean isPresent() {
        return home != null;
    }

    /** Why this machine has no such JDK, or null. */
    public final String whyMissing() {
        return whyMissing;
    }

    /** Skips (under CI fails) the calling test if this machine has no such JDK. */
    public final void require() {
        Preconditions.require(isPresent(), name() + " is missing", whyMissing);
    }

    /** The JDK's home; where it is missing, the calling test is skipped (under CI failed) with the reason. */
    public final Path home() {
        require();
        return home;
    }

    public final Path java() {
        return home().resolve("bin/java");
    }

    public String name() {
        return "JDK " + feature;
    }

    /** How java.version starts on this JDK: "1.8" on Java 8, the feature version after it. */
    public final String versionPrefix() {
        return feature == 8 ? "1.8" : Integer.toString(feature);
    }

    /** Whether this JDK has what came in Java {@code version}. */
    public final boolean atLeast(int version) {
        return feature >= version;
    }

    @Override
    public final boolean equals(Object other) {
        return other instanceof TestJdk jdk && jdk.feature == feature && Objects.equals(jdk.home, home);
    }

    @Override
    public final int hashCode() {
        return Objects.hash(feature, home);
    }

    @Override
    public String toString() {
        return name();
    }
}
