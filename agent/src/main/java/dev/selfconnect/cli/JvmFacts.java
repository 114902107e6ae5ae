package dev.selfconnect.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/** What a JVM's system and agent properties, read through the attach API, tell about it. */
final class JvmFacts {

    private static final String DYNAMIC_LOADING_OFF = "-XX:-EnableDynamicAgentLoading";
    private static final String DYNAMIC_LOADING_ON = "-XX:+EnableDynamicAgentLoading";
    /** What the attach API lists for a JVM whose main class it cannot read. */
    private static final String UNKNOWN_MAIN = "Unknown";
    /** The java launcher's options whose value is the next argument. */
    private static final List<String> OPTIONS_WITH_A_VALUE = Arrays.asList("-cp", "-classpath", "--class-path", "-p",
            "--module-path", "--upgrade-module-path", "--add-modules", "--add-reads", "--add-exports", "--add-opens",
            "--limit-modules", "--patch-module", "--enable-native-access");

    private JvmFacts() {
    }

    /**
     * The main class or jar of a display name such as "app.jar --port 8080" (arguments may hold secrets), escaped for
     * printing; where the JVM does not say (no display name, or the attach API's "Unknown"), the main class or jar its
     * command line names, or the command line's first word.
     */
    static String mainClass(String displayName, TargetProcess process) {
        String trimmed = displayName == null ? "" : displayName.trim();
        int space = trimmed.indexOf(' ');
        String main = space < 0 ? trimmed : trimmed.substring(0, space);
        if ((main.isEmpty() || main.equals(UNKNOWN_MAIN)) && process != null) {
            main = mainOfCommandLine(process.commandLine());
        }
        return main.isEmpty() ? "(unknown)" : Untrusted.line(main, Untrusted.CELL);
    }

    /** The jar, module or class a java command line runs, its options and arguments left out; else its first word. */
    static String mainOfCommandLine(List<String> commandLine) {
        for (int i = 1; i < commandLine.size(); i++) {
            String argument = commandLine.get(i);
            if (argument.equals("-jar") || argument.equals("-m") || argument.equals("--module")) {
                return i + 1 < commandLine.size() ? commandLine.get(i + 1) : "";
            }
            if (OPTIONS_WITH_A_VALUE.contains(argument)) {
                i++;
            } else if (!argument.startsWith("-")) {
                return argument;
            }
        }
        return commandLine.isEmpty() ? "" : commandLine.get(0);
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
