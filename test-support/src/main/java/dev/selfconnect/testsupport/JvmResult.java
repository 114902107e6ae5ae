package dev.selfconnect.testsupport;

import java.util.List;

/** What a finished child process did: its command, exit code and output. */
public class JvmResult {

    private static final String AGENT_PREFIX = "[selfconnect] ";

    private final List<String> command;
    private final int exitCode;
    private final String stdout;
    private final String stderr;

    public JvmResult(List<String> command, int exitCode, String stdout, String stderr) {
        this.command = List.copyOf(command);
        this.exitCode = exitCode;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** The same result, for a module's own subclass. */
    protected JvmResult(JvmResult result) {
        this(result.command, result.exitCode, result.stdout, result.stderr);
    }

    public final List<String> command() {
        return command;
    }

    public final int exitCode() {
        return exitCode;
    }

    public final String stdout() {
        return stdout;
    }

    public final String stderr() {
        return stderr;
    }

    /** The agent's lines of one level on stderr: "WARN", "ERROR", "INFO". */
    public final List<String> agentLines(String level) {
        return stderr.lines().filter(l -> l.startsWith(AGENT_PREFIX + level + " ")).toList();
    }

    public final List<String> warnings() {
        return agentLines("WARN");
    }

    public final List<String> errors() {
        return agentLines("ERROR");
    }

    /** The scenario's own verdict lines on stdout ("RESULT ..."). */
    public final List<String> results() {
        return stdout.lines().filter(l -> l.startsWith("RESULT ")).toList();
    }

    public final boolean hasResult(String prefix) {
        return results().stream().anyMatch(l -> l.startsWith("RESULT " + prefix));
    }

    @Override
    public String toString() {
        return "command: " + String.join(" ", command) + "\nexit: " + exitCode + "\n--- stdout\n" + stdout
                + "--- stderr\n" + stderr;
    }
}
