package dev.selfconnect.bench.startup;

import java.lang.instrument.Instrumentation;

/** The agent that does nothing: what any -javaagent costs before the agent does any work. */
public final class EmptyAgent {

    private EmptyAgent() {
    }

    public static void premain(String arguments, Instrumentation instrumentation) {
    }
}
