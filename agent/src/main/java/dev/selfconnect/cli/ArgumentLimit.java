package dev.selfconnect.cli;

import java.nio.charset.StandardCharsets;

/**
 * The length an attach request may have. HotSpot's attach channel takes at most {@value #HOTSPOT_ARGUMENT_BYTES}
 * bytes per argument, and a load sends the agent jar's path and its arguments as one ({@code JAR=ARGUMENTS}): longer,
 * the JVM drops the connection and the attach API says only "Premature EOF". Measured on JDK 8, 11, 17 and 21 targets
 * (1024 bytes pass, 1025 fail, with the tool on Java 8, 17 or 25) and on a JDK 25 target with a tool on Java 17; a
 * tool on Java 25 and a JVM on Java 25 speak a later version of the protocol, which carried 5,000 bytes.
 */
final class ArgumentLimit {

    static final int HOTSPOT_ARGUMENT_BYTES = 1024;
    /** From this Java on, in both the tool and the target, the longer form was measured to pass. */
    static final int LONG_ARGUMENTS_FROM = 25;

    private ArgumentLimit() {
    }

    /** @throws CliException in one line when the request cannot reach the JVM: the limit, and what to do */
    static void check(String pid, String jarForTarget, String request, int targetFeature) throws CliException {
        int bytes = (jarForTarget + "=" + request).getBytes(StandardCharsets.UTF_8).length;
        int ownFeature = JvmFacts.javaFeature(System.getProperty("java.specification.version"));
        if (bytes <= HOTSPOT_ARGUMENT_BYTES
                || ownFeature >= LONG_ARGUMENTS_FROM && targetFeature >= LONG_ARGUMENTS_FROM) {
            return;
        }
        throw new CliException("the settings are too long for JVM " + pid + "'s attach channel: the agent jar's path"
                + " and the settings make " + bytes + " bytes, and the JVM takes at most " + HOTSPOT_ARGUMENT_BYTES
                + " (unless it and this tool both run Java " + LONG_ARGUMENTS_FROM + " or later); give a long ignore"
                + " list in a file the JVM can read (ignore=@FILE) or start"
                + " the JVM with -Dselfconnect.ignore=...");
    }
}
