package dev.selfconnect.agent;

import java.lang.instrument.Instrumentation;

/**
 * The agent's entry points. Nothing else here: the JVM verifies this class before premain runs, and every class its
 * code names for a type check would be loaded before main.
 */
public final class SelfConnectAgent {

    private SelfConnectAgent() {
    }

    /** {@code -javaagent:selfconnect.jar[=key=value,...]}: a bad setting stops the JVM before main. */
    public static void premain(String arguments, Instrumentation instrumentation) {
        AgentInstaller.installAtStartup(arguments, instrumentation);
    }

    /** Loaded into a running JVM by an attach: see {@link AttachHandler}. */
    public static void agentmain(String arguments, Instrumentation instrumentation) {
        AttachHandler.handle(arguments, instrumentation);
    }
}
