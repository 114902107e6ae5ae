package dev.selfconnect.agent;

import java.lang.instrument.Instrumentation;

/** The agent's entry points; all the work is in {@link AgentInstaller}. */
public final class SelfConnectAgent {

    private SelfConnectAgent() {
    }

    /** {@code -javaagent:selfconnect.jar[=key=value,...]}: a bad setting stops the JVM before main. */
    public static void premain(String arguments, Instrumentation instrumentation) {
        AgentInstaller.installAtStartup(arguments, instrumentation);
    }

    /** Loaded into a running JVM: a bad setting fails the attach and leaves that JVM as it was. */
    public static void agentmain(String arguments, Instrumentation instrumentation) throws Exception {
        AgentInstaller.installIntoRunningJvm(arguments, instrumentation);
    }
}
