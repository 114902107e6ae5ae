package dev.selfconnect.testsupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestJdksTest {

    private static final Path RUNNING_HOME = Paths.get(System.getProperty("java.home"));
    private static final int RUNNING = Runtime.version().feature();
    private static final int OTHER = RUNNING == 8 ? 11 : 8;

    @Test
    void aConfiguredHomeWins() {
        TestJdk jdk = TestJdks.find(OTHER, RUNNING_HOME.toString(), RUNNING, RUNNING_HOME);
        assertTrue(jdk.isPresent());
        assertEquals(RUNNING_HOME, jdk.home());
    }

    @Test
    void theRunningJdkStandsInForItsOwnVersion() {
        for (String configured : new String[] {"", "${test.jdk" + RUNNING + "}", "/nonexistent"}) {
            TestJdk jdk = TestJdks.find(RUNNING, configured, RUNNING, RUNNING_HOME);
            assertTrue(jdk.isPresent(), configured);
            assertEquals(RUNNING_HOME.resolve("bin/java"), jdk.java());
        }
    }

    @Test
    void anotherMissingJdkIsListedWithTheReasonAndSkipsItsTest(@TempDir Path empty) {
        TestJdk unset = TestJdks.find(OTHER, "${test.jdk" + OTHER + "}", RUNNING, RUNNING_HOME);
        assertFalse(unset.isPresent());
        assertEquals("JDK " + OTHER, unset.toString());
        assertTrue(unset.whyMissing().startsWith("test.jdk" + OTHER + " is not set: run tools/test.sh"),
                unset.whyMissing());

        TestJdk broken = TestJdks.find(OTHER, empty.toString(), RUNNING, RUNNING_HOME);
        assertTrue(broken.whyMissing().startsWith("no bin/java in '" + empty + "'"), broken.whyMissing());

        if (!Preconditions.CI) {
            TestAbortedException skipped = assertThrows(TestAbortedException.class, broken::java);
            assertTrue(skipped.getMessage().startsWith("JDK " + OTHER + " is missing: no bin/java in"),
                    skipped.getMessage());
        }
    }

    @Test
    void underCiAMissingPreconditionFailsAndElsewhereItSkips() {
        AssertionFailedError failed = assertThrows(AssertionFailedError.class,
                () -> Preconditions.require(false, "no X", "the test needs X", true));
        assertEquals("no X, and CI=true: the test needs X", failed.getMessage());
        TestAbortedException skipped = assertThrows(TestAbortedException.class,
                () -> Preconditions.require(false, "no X", "the test needs X", false));
        assertEquals("no X: the test needs X", skipped.getMessage());
        Preconditions.require(true, "no X", "the test needs X", true);
    }

    @Test
    void theNamespaceCommandCarriesTheRangeAndRefusesAnythingElse() {
        if (!NetworkNamespace.works()) {
            return;
        }
        assertEquals("ip link set lo up && echo '40000 40001' > /proc/sys/net/ipv4/ip_local_port_range && exec \"$@\"",
                NetworkNamespace.command("40000 40001", "", java.util.List.of("true")).get(4));
        assertThrows(IllegalArgumentException.class,
                () -> NetworkNamespace.command("40000'; reboot; '", "", java.util.List.of("true")));
    }
}
