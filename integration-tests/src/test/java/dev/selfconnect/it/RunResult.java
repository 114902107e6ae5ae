package dev.selfconnect.it;

import java.util.List;

/** What one container run printed and how it exited. */
record RunResult(String command, int exitCode, String stdout, String stderr) {

    /** The agent's lines of one level, e.g. {@code "WARN"}: {@code [selfconnect] WARN ...}. */
    List<String> agentLines(String level) {
        String prefix = "[selfconnect] " + level + " ";
        return stderr.lines().filter(line -> line.startsWith(prefix)).toList();
    }

    /** The indented lines under a warning: stack frames, or a note where the JDK connected on its own thread. */
    List<String> frameLines() {
        return stderr.lines().filter(line -> line.startsWith("\t")).toList();
    }

    /** For assertion messages: everything needed to see why a scenario failed. */
    @Override
    public String toString() {
        return "\n$ " + command + "\nexit code: " + exitCode
                + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr + "---";
    }
}
