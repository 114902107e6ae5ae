package dev.selfconnect.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs an action with System.err captured, and restores it afterwards. */
public final class Stderr {

    private Stderr() {
    }

    public interface Action {
        void run() throws Exception;
    }

    public static String capture(Action action) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.err.flush();
            System.setErr(original);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
