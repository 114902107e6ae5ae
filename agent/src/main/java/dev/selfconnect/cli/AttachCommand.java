package dev.selfconnect.cli;

import dev.selfconnect.agent.AttachReply;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code attach PID [--reset] [KEY=VALUE ...]}: loads the agent into a running JVM with these settings, or changes the
 * settings named of the agent already there; the others keep their values, or with {@code --reset} go back to their
 * defaults. The settings are checked here first: a bad one never reaches the JVM.
 */
final class AttachCommand {

    static final String USAGE = "attach PID [KEY=VALUE ...]";
    static final String RESET = "--reset";

    private AttachCommand() {
    }

    static int run(List<String> arguments, PrintStream out, PrintStream err) throws CliException {
        List<String> rest = new ArrayList<String>(arguments);
        boolean reset = rest.removeAll(Collections.singleton(RESET));
        Arguments.require("attach", rest, 1, Integer.MAX_VALUE, USAGE);
        String settings = Arguments.settings(rest.subList(1, rest.size()));
        String pid = rest.get(0);
        try (Target target = Target.connect(pid, new Invocation("attach", arguments, out, err))) {
            AgentState before = target.agentState();
            if (before != null && !before.version.equals(Main.version())) {
                err.println("note: JVM " + pid + " already runs selfconnect " + before.version + " (this tool is "
                        + Main.version() + "); the copy loaded there does the work");
            }
            AttachReply reply = target.load("attach", reset, settings);
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
