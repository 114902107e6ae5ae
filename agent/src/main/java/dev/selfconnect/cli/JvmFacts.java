package dev.selfconnect.cli;

import java.util.Properties;

/** What a JVM's system and agent properties, read through the attach API, tell about it. */
final class JvmFacts {

    private static final String DYNAMIC_LOADING_OFF = "-XX:-EnableDynamicAgentLoading";
    private static final String DYNAMIC_LOADING_ON = "-XX:+EnableDynamicAgentLoading";

    private JvmFacts() {
    }

    /** The main class or jar of a display name such as "app.jar --port 8080": arguments may hold secrets. */
    static String mainClass(String displayName) {
        String trimmed = displayName == null ? "" : displayName.trim();
        int space = trimmed.indexOf(' ');
        String main = space < 0 ? trimmed : trimmed.substring(0, space);
        return main.isEmpty() ? "(unknown)" : main;
    }

    /** 8 for "1.8", 17 for "17"; 0 if unknown. */
    static int javaFeature(String specificationVersion) {
        String version = specificationVersion == null ? "0" : specificationVersion;
        try {
            return Integer.parseInt(version.startsWith("1.") ? version.substring(2) : version);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Whether the JVM's flags turn dynamic agent loading off, the last of them winning. */
    static boolean dynamicLoadingDisabled(Properties agentProperties) {
        String flags = agentProperties.getProperty("sun.jvm.flags", "") + " "
                + agentProperties.getProperty("sun.jvm.args", "");
        int disabled = flags.lastIndexOf(DYNAMIC_LOADING_OFF);
        return disabled >= 0 && disabled > flags.lastIndexOf(DYNAMIC_LOADING_ON);
    }

    /** Whether loading an agent makes the JVM print a warning: Java 21 and later, unless it was allowed. */
    static boolean warnsOnDynamicLoading(int javaFeature, Properties agentProperties) {
        return javaFeature >= 21 && !String.valueOf(agentProperties.getProperty("sun.jvm.args"))
                .contains(DYNAMIC_LOADING_ON);
    }
}
