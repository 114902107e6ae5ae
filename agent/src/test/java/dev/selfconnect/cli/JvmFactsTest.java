package dev.selfconnect.cli;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JvmFactsTest {

    @Test
    void theMainClassLeavesTheArgumentsOut() {
        assertEquals("app.jar", JvmFacts.mainClass("app.jar --password hunter2", null));
        assertEquals("com.example.Main", JvmFacts.mainClass(" com.example.Main ", null));
        assertEquals("(unknown)", JvmFacts.mainClass("", null));
        assertEquals("(unknown)", JvmFacts.mainClass(null, null));
    }

    @Test
    void aMainClassTheJvmDoesNotTellComesFromItsCommandLine() {
        assertEquals("app.jar", JvmFacts.mainOfCommandLine(List.of("/usr/bin/java", "-Xmx1g", "-cp", "a:b",
                "-jar", "app.jar", "--secret", "s")));
        assertEquals("com.example.Main", JvmFacts.mainOfCommandLine(List.of("java", "-cp", "lib/*",
                "-Dx=y", "com.example.Main", "arg")));
        assertEquals("mod/com.example.Main", JvmFacts.mainOfCommandLine(List.of("java", "--module-path", "m",
                "-m", "mod/com.example.Main")));
        assertEquals("/opt/app/bin/launcher", JvmFacts.mainOfCommandLine(List.of("/opt/app/bin/launcher", "-X")));
        assertEquals("", JvmFacts.mainOfCommandLine(List.of()));
    }

    @Test
    void aMainClassIsEscaped() {
        assertEquals("app\\x1b[2J.jar", JvmFacts.mainClass("app\u001b[2J.jar --x", null));
    }

    @Test
    void theFeatureReleaseOfOldAndNewVersionStrings() {
        assertEquals(8, JvmFacts.javaFeature("1.8"));
        assertEquals(17, JvmFacts.javaFeature("17"));
        assertEquals(25, JvmFacts.javaFeature("25"));
        assertEquals(0, JvmFacts.javaFeature(null));
        assertEquals(0, JvmFacts.javaFeature("seventeen"));
    }

    @Test
    void theLastDynamicLoadingFlagWins() {
        assertFalse(JvmFacts.dynamicLoadingDisabled(agentProperties(null, null)));
        assertTrue(JvmFacts.dynamicLoadingDisabled(agentProperties("-XX:-EnableDynamicAgentLoading", null)));
        assertTrue(JvmFacts.dynamicLoadingDisabled(agentProperties(null, "-Xmx1g -XX:-EnableDynamicAgentLoading")));
        assertFalse(JvmFacts.dynamicLoadingDisabled(agentProperties(null,
                "-XX:-EnableDynamicAgentLoading -XX:+EnableDynamicAgentLoading")));
        assertTrue(JvmFacts.dynamicLoadingDisabled(agentProperties("-XX:+EnableDynamicAgentLoading",
                "-XX:-EnableDynamicAgentLoading")));
    }

    @Test
    void onlyJava21AndLaterWarnUnlessAllowed() {
        assertFalse(JvmFacts.warnsOnDynamicLoading(17, agentProperties(null, "-Xmx1g")));
        assertTrue(JvmFacts.warnsOnDynamicLoading(21, agentProperties(null, "-Xmx1g")));
        assertTrue(JvmFacts.warnsOnDynamicLoading(25, agentProperties(null, null)));
        assertFalse(JvmFacts.warnsOnDynamicLoading(25, agentProperties(null, "-XX:+EnableDynamicAgentLoading")));
    }

    private static Properties agentProperties(String flags, String args) {
        Properties properties = new Properties();
        if (flags != null) {
            properties.setProperty("sun.jvm.flags", flags);
        }
        if (args != null) {
            properties.setProperty("sun.jvm.args", args);
        }
        return properties;
    }
}
