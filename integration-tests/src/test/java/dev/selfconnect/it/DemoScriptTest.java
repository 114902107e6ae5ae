package dev.selfconnect.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, {@code ./demo.sh}, as a user runs it: its options, and what it says when this
 * machine leaves it no port to reproduce on. Runs on the packaged jars (no build) and needs no Docker.
 */
@DisplayName("demo.sh")
class DemoScriptTest {

    private static final Path DEMO_SCRIPT = Paths.get("..", "demo.sh").toAbsolutePath().normalize();
    private static final long TIMEOUT_SECONDS = 60;
    private static final boolean CI = "true".equalsIgnoreCase(System.getenv("CI"));

    private record Run(int exitCode, String output) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- output:\n" + output;
        }
    }

    private static Run run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(Arrays.toString(command) + " still runs after " + TIMEOUT_SECONDS + " s");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(process.exitValue(), output);
    }

    @Test
    @DisplayName("--help prints the usage and builds nothing")
    void helpPrintsUsageWithoutBuilding() throws Exception {
        Run run = run("bash", DEMO_SCRIPT.toString(), "--help");

        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.output().startsWith("usage: ./demo.sh"), run::toString);
        assertFalse(run.output().contains("Building"), run::toString);
        assertFalse(run.output().contains("Checking the machine"), run::toString);
    }

    @Test
    @DisplayName("an unknown option is an error: exit 2, the option named, the usage")
    void unknownOptionIsAnError() throws Exception {
        Run run = run("bash", DEMO_SCRIPT.toString(), "--frobnicate");

        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.output().startsWith("error: unknown option --frobnicate"), run::toString);
        assertTrue(run.output().contains("usage: ./demo.sh"), run::toString);
        assertFalse(run.output().contains("Checking the machine"), run::toString);
    }

    @Test
    @DisplayName("no free port to reproduce on: the demo app's own reason is shown, exit 2")
    void noPortShowsTheDemoAppsReason() throws Exception {
        Assumptions.assumeTrue(CI || canUnshare(), "unshare -rn is not available: the namespace case is skipped");
        String setup = "ip link set lo up; echo '40000 40001' > /proc/sys/net/ipv4/ip_local_port_range;"
                + " echo 40000 > /proc/sys/net/ipv4/ip_local_reserved_ports; exec bash \"$0\" --no-build";
        Run run = run("unshare", "-rn", "sh", "-c", setup, DEMO_SCRIPT.toString());

        assertEquals(2, run.exitCode(), run::toString);
        List<String> lines = run.output().lines().toList();
        int advice = indexOf(lines, "the demo cannot reproduce on this machine as it is set up; see the line above"
                + " for what to do");
        assertTrue(advice > 0, run::toString);
        assertTrue(lines.get(advice - 1).contains("no free even port in the ephemeral port range 40000-40001 that is"
                + " not reserved"), run::toString);
    }

    private static int indexOf(List<String> lines, String line) {
        return lines.indexOf(line);
    }

    private static boolean canUnshare() {
        try {
            return run("unshare", "-rn", "true").exitCode() == 0 && Files.isExecutable(DEMO_SCRIPT);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
