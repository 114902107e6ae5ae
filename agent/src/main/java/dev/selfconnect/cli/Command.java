package dev.selfconnect.cli;

import java.io.PrintStream;
import java.util.List;

/** One command of the tool, {@code java -jar selfconnect.jar NAME ARGUMENTS...}; {@link Main} finds it by name. */
@FunctionalInterface
interface Command {

    /**
     * @param arguments the arguments after the command's name, without the tool's own options
     * @return the exit status; a {@link CliException} gives {@link Main#EXIT_ERROR} and its message
     */
    int run(List<String> arguments, PrintStream out, PrintStream err) throws CliException;
}
