package dev.selfconnect.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** A command as the user gave it, with where its output goes and the jar the tool runs from. */
final class Invocation {

    final String command;
    final List<String> arguments;
    final PrintStream out;
    final PrintStream err;
    private Path agentJar;

    Invocation(String command, List<String> arguments, PrintStream out, PrintStream err) {
        this.command = command;
        this.arguments = arguments;
        this.out = out;
        this.err = err;
    }

    /** The jar this tool runs from: it is also the agent that gets loaded. */
    Path agentJar() throws CliException {
        if (agentJar == null) {
            agentJar = Main.agentJar();
        }
        return agentJar;
    }

    /** The command and its arguments as given, to show how to run it another way. */
    String text() {
        return command + " " + String.join(" ", arguments);
    }
}
