package dev.selfconnect.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the test JDKs. The build passes each as the system property {@code selfconnect.test.jdkN} from the file
 * tools/provision-jdks.sh writes (or {@code -Dtest.jdkN=HOME}). The JDK that runs the tests is always usable: for its
 * own feature version it stands in where no other is given. Any other JDK the machine lacks is returned as missing,
 * with the reason, so that its tests are skipped (under CI failed), never dropped.
 */
public final class TestJdks {

    /** Every feature version the agent is tested on. */
    public static final int[] ALL = {8, 11, 17, 21, 25};

    private static final String PROPERTY = "selfconnect.test.jdk";
    private static final Set<Integer> MISSING_TOLD = ConcurrentHashMap.newKeySet();

    private TestJdks() {
    }

    public static List<TestJdk> find(int... features) {
        List<TestJdk> jdks = new ArrayList<>();
        for (int feature : features) {
            jdks.add(find(feature));
        }
        return jdks;
    }

    public static TestJdk find(int feature) {
        TestJdk jdk = find(feature, System.getProperty(PROPERTY + feature, ""), Runtime.version().feature(),
                Paths.get(System.getProperty("java.home")));
        if (!jdk.isPresent() && MISSING_TOLD.add(feature)) {
            System.err.println("[test-support] " + jdk.name() + " is missing: " + jdk.whyMissing()
                    + (Preconditions.CI ? "" : "; its tests are skipped"));
        }
        return jdk;
    }

    /** The rule, apart from the running JVM: the configured home, else the running JDK's own, else missing. */
    static TestJdk find(int feature, String configured, int runningFeature, Path runningHome) {
        String home = configured.trim();
        boolean configuredHome = !home.isEmpty() && !home.startsWith("${");
        if (configuredHome && Files.isExecutable(Paths.get(home, "bin", "java"))) {
            return TestJdk.at(feature, Paths.get(home));
        }
        if (feature == runningFeature && Files.isExecutable(runningHome.resolve("bin/java"))) {
            return TestJdk.at(feature, runningHome);
        }
        String found = configuredHome ? "no bin/java in '" + home + "'" : "test.jdk" + feature + " is not set";
        return TestJdk.missing(feature, found + ": run tools/test.sh (it provisions the test JDKs with"
                + " tools/provision-jdks.sh), or set -Dtest.jdk" + feature + "=<JDK home>");
    }
}
