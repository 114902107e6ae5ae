package dev.selfconnect.testsupport;

import org.junit.jupiter.api.Assumptions;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The one rule for something a test needs and this machine lacks (a test JDK, {@code unshare -rn}, a Docker daemon):
 * the test is skipped with the reason, in JUnit's own skip accounting, except under {@code CI=true}, where it fails
 * with the reason: CI never passes by skipping.
 */
public final class Preconditions {

    /** Whether this run is CI's: the environment variable CI is "true". */
    public static final boolean CI = "true".equalsIgnoreCase(System.getenv("CI"));

    private Preconditions() {
    }

    /** Skips (or under CI fails) the calling test when {@code holds} is false: "WHAT: WHY". */
    public static void require(boolean holds, String what, String why) {
        require(holds, what, why, CI);
    }

    static void require(boolean holds, String what, String why, boolean ci) {
        if (holds) {
            return;
        }
        if (ci) {
            fail(what + ", and CI=true: " + why);
        }
        Assumptions.abort(what + ": " + why);
    }
}
