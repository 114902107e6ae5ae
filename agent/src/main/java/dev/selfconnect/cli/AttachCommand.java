package dev.selfconnect.cli;

import dev.selfconnect.agent.AttachReply;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code attach PID [KEY=VALUE ...]}: loads the agent into a running JVM with these settings, or changes the settings
 * of the agent already there. The settings are checked here first: a bad one never reaches the JVM.
 */
final class AttachCommand {

    static final String USAGE = "attach PID [KEY=VALUE ...]";

    private AttachCommand() {
    }

    static int run(List<String> arguments, PrintStream out, PrintStream err) throws CliException {
        Arguments.require("attach", arguments, 1, Integer.MAX_VALUE, USAGE);
        String settings = Arguments.settings(arguments.subList(1, arguments.size()));
        String pid = arguments.get(0);
        try (Target target = Target.connect(pid, new Invocation("attach", arguments, out, err))) {
            AgentState before = target.agentState();
            if (before != null && !before.version.equals(Main.version())) {
                err.println("note: JVM " + pid + " already runs selfconnect " + before.version + " (this tool is "
                        + Main.version() + "); the copy loaded there does the work");
            }
            AttachReply reply = target.load("attach", settings);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - target.started);
            out.println("JVM " + pid + " (" + target.main + "): " + reply.text());
            out.println("done in " + millis + " ms" + (ReplyOutcome.reconfigured(reply)
                    ? "; it already had the agent, which now runs with these settings (nothing is instrumented twice)"
                    : ""));
            target.warnAboutDynamicLoading();
        }
        return Main.EXIT_OK;
    }
}
