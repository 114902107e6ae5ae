package dev.selfconnect.cli;

import dev.selfconnect.agent.AttachReply;

import java.io.PrintStream;
import java.util.List;

/** {@code detach PID}: removes the agent's instrumentation from a running JVM. */
final class DetachCommand {

    static final String USAGE = "detach PID";

    private DetachCommand() {
    }

    static int run(List<String> arguments, PrintStream out, PrintStream err) throws CliException {
        Arguments.require("detach", arguments, 1, 1, USAGE);
        String pid = arguments.get(0);
        try (Target target = Target.connect(pid, new Invocation("detach", arguments, out, err))) {
            if (target.agentState() == null) {
                out.println("selfconnect is not loaded in JVM " + pid + " (" + target.main + "): nothing to detach");
                return Main.EXIT_OK;
            }
            AttachReply reply = target.load("detach");
            out.println("JVM " + pid + " (" + target.main + "): " + reply.text());
            target.warnAboutDynamicLoading();
        }
        return Main.EXIT_OK;
    }
}
