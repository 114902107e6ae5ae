package dev.selfconnect.demo;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** One in-process run of the demo's command line, with what it printed. */
record DemoRun(int exitCode, String out, String err) {

    static DemoRun of(Path rangeFile, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exitCode = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), rangeFile);
        return new DemoRun(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static DemoRun of(String... args) {
        return of(EphemeralPortRange.LINUX_FILE, args);
    }

    List<String> outLines() {
        return Arrays.asList(out.split("\n"));
    }

    String lastLine() {
        List<String> lines = outLines();
        return lines.get(lines.size() - 1);
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- out:\n" + out + "--- err:\n" + err;
    }
}
