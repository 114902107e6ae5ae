package dev.selfconnect.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * {@code status PID}: the agent's state, settings and counters in a running JVM, as the agent keeps them in its marker
 * property (read through the attach API, without loading anything); an agent too old to keep them there is asked.
 */
final class StatusCommand {

    static final String USAGE = "status PID";

    private StatusCommand() {
    }

    static int run(List<String> arguments, PrintStream out, PrintStream err) throws CliException {
        Arguments.require("status", arguments, 1, 1, USAGE);
        String pid = arguments.get(0);
        try (Target target = Target.connect(pid, new Invocation("status", arguments, out, err))) {
            AgentState state = target.agentState();
            if (state == null) {
                out.println("selfconnect is not loaded in JVM " + pid + " (" + target.main + ")");
                return Main.EXIT_OK;
            }
            out.println("JVM " + pid + " (" + target.main + "):");
            if (state.status != null) {
                // The agent keeps its status in its marker: read, nothing loaded, nothing printed in the JVM.
                out.println(state.status);
                return Main.EXIT_OK;
            }
            if (target.dynamicLoadingDisabled()) {
                // The agent came with -javaagent; without loading it again only its marker can be read.
                out.println("selfconnect " + state.version + " " + state.stateText + " on Java "
                        + Untrusted.line(target.properties.getProperty("java.version"), Untrusted.CELL));
                out.println("settings: " + state.settings);
                out.println("counters: unavailable (the JVM runs with -XX:-EnableDynamicAgentLoading, so the agent "
                        + "cannot be asked for them)");
                return Main.EXIT_OK;
            }
            out.println(target.load("status").text());
            target.warnAboutDynamicLoading();
        }
        return Main.EXIT_OK;
    }
}
