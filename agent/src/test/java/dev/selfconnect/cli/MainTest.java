package dev.selfconnect.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dispatch, with arguments that are rejected before anything is attached to. */
class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true), new PrintStream(err, true));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anUnknownCommandNamesTheKnownOnes() {
        assertEquals(Main.EXIT_ERROR, run("stop", "1"));
        assertEquals("selfconnect: unknown command 'stop': expected list, attach, status, detach or scan (see java -jar "
                + "selfconnect.jar --help)" + System.lineSeparator(), err());
        assertEquals("", out());
    }

    @Test
    void commandNamesIgnoreCase() {
        assertEquals(Main.EXIT_ERROR, run("STATUS"));
        assertEquals("selfconnect: missing arguments for status: usage: java -jar selfconnect.jar status PID"
                + System.lineSeparator(), err());
    }

    @Test
    void eachCommandChecksItsArguments() {
        assertEquals(Main.EXIT_ERROR, run("list", "42"));
        assertEquals(Main.EXIT_ERROR, run("detach", "1", "2"));
        assertEquals(Main.EXIT_ERROR, run("attach"));
        assertEquals(Main.EXIT_ERROR, run("attach", "1", "mode=banana"));
        assertEquals(Main.EXIT_ERROR, run("status", "12ab"));
        assertEquals(String.join(System.lineSeparator(),
                "selfconnect: too many arguments for list: usage: java -jar selfconnect.jar list",
                "selfconnect: too many arguments for detach: usage: java -jar selfconnect.jar detach PID",
                "selfconnect: missing arguments for attach: usage: java -jar selfconnect.jar attach PID "
                        + "[KEY=VALUE ...]",
                "selfconnect: bad setting: invalid value 'banana' for selfconnect.mode (argument mode=banana): "
                        + "expected log, throw or off",
                "selfconnect: '12ab' is not a process id: give the pid of a JVM, as 'java -jar selfconnect.jar "
                        + "list' shows them", ""), err());
        assertEquals("", out());
    }

    @Test
    void helpGoesToStandardOutputAndNoArgumentsToStandardError() {
        assertEquals(Main.EXIT_OK, run("--help"));
        assertEquals(Main.usage(), out());
        assertEquals(Main.EXIT_ERROR, run());
        assertEquals(Main.usage(), err());
        for (String command : new String[] {"list", "attach PID", "status PID", "detach PID"}) {
            assertTrue(Main.usage().contains("  " + command + " "), command);
        }
    }

    @Test
    void resetIsAnOptionOfAttachOnly() {
        assertEquals(Main.EXIT_ERROR, run("attach", "--reset", "0", "mode=throw"));
        assertEquals(Main.EXIT_ERROR, run("attach", "--reset"));
        assertEquals(Main.EXIT_ERROR, run("attach", "1", "--reset", "--mode=throw"));
        assertEquals(Main.EXIT_ERROR, run("status", "--reset", "1"));
        assertEquals(String.join(System.lineSeparator(),
                "selfconnect: '0' is not a process id: pids are positive numbers",
                "selfconnect: missing arguments for attach: usage: java -jar selfconnect.jar attach PID "
                        + "[KEY=VALUE ...]",
                "selfconnect: unknown option '--mode=throw' for attach: usage: java -jar selfconnect.jar attach PID "
                        + "[KEY=VALUE ...] (settings are KEY=VALUE, e.g. mode=throw)",
                "selfconnect: unknown option '--reset' for status: usage: java -jar selfconnect.jar status PID", ""),
                err());
        assertTrue(Main.usage().contains("--reset"));
    }

    @Test
    void debugIsAnOptionAnywhere() {
        assertEquals(Main.EXIT_ERROR, run("status", "--debug", "0"));
        assertEquals("selfconnect: '0' is not a process id: pids are positive numbers" + System.lineSeparator(),
                err());
    }
}
