package dev.selfconnect.cli;

import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JvmFactsTest {

    @Test
    void theMainClassLeavesTheArgumentsOut() {
        assertEquals("app.jar", JvmFacts.mainClass("app.jar --password hunter2"));
        assertEquals("com.example.Main", JvmFacts.mainClass(" com.example.Main "));
        assertEquals("(unknown)", JvmFacts.mainClass(""));
        assertEquals("(unknown)", JvmFacts.mainClass(null));
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
