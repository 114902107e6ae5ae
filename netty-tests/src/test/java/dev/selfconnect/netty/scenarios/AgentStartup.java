package dev.selfconnect.netty.scenarios;

/** For the scenarios' {@code late} option; names no Netty class, so that gRPC's scenario can use it too. */
final class AgentStartup {

    static final String THREAD = "selfconnect-weaver";

    /**
     * Waits until the agent's startup thread has ended, before any Netty class loads: from then on, only the JDK's
     * native-library loading can tell the agent about Netty (its scan of the loaded classes is over). Prints
     * {@code RESULT late: ...}.
     */
    static void await() throws InterruptedException {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals(THREAD)) {
                thread.join(30_000);
                System.out.println("RESULT late: " + THREAD + " " + (thread.isAlive() ? "alive" : "ended"));
                return;
            }
        }
        System.out.println("RESULT late: no thread " + THREAD);
    }

    private AgentStartup() {
    }
}
