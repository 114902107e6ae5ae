package dev.selfconnect.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real self-connections, deterministic: each run is a new JVM in its own network namespace
 * ({@code unshare -rn}) whose ephemeral port range is port 40000 alone, so the first connect to
 * 127.0.0.1:40000 gets 40000 as its source port.
 */
class SelfConnectionInNamespaceTest {

    private static final String IN_NAMESPACE = "ip link set lo up"
            + " && echo \"$1\" > /proc/sys/net/ipv4/ip_local_port_range && shift && exec \"$@\"";

    @TempDir
    Path dir;

    @BeforeAll
    static void requireNetworkNamespaces() throws Exception {
        String problem = namespaceProblem();
        if (problem == null) {
            return;
        }
        String message = "unshare -rn does not work here (" + problem + "), so the self-connection tests cannot run";
        if ("true".equals(System.getenv("CI"))) {
            fail(message + "; with CI=true that is a failure");
        }
        Assumptions.abort(message + "; skipped (with CI=true this would fail)");
    }

    @ParameterizedTest
    @EnumSource(Api.class)
    void selfConnectsAtTheFirstAttempt(Api api) throws Exception {
        Result run = inNamespace("40000 40000", demo("reproduce", "--api", api.cliName()));
        assertEquals(ExitCodes.SELF_CONNECTED, run.exitCode, run::toString);
        assertTrue(run.out.contains("port 40000: the only port of the ephemeral port range 40000-40000"), run::toString);
        String addresses = api == Api.HTTP
                ? "attempts=1 local=unknown remote=127.0.0.1:40000"
                : "attempts=1 local=127.0.0.1:40000 remote=127.0.0.1:40000";
        assertTrue(run.out.contains(addresses + "\n"), run::toString);
        assertTrue(run.out.endsWith("\nSELF-CONNECTED\n"), run::toString);
    }

    /**
     * A self-connection closed normally would wait in TIME_WAIT on its port, and the next run on that port could
     * not reproduce; the demo closes it with a reset, so nothing is left and the second run self-connects too.
     * Not for AsynchronousSocketChannel, which has no SO_LINGER, nor HttpClient, which closes its own connections.
     */
    @ParameterizedTest
    @EnumSource(value = Api.class, names = {"HTTP", "ASYNC"}, mode = EnumSource.Mode.EXCLUDE)
    void aSelfConnectionLeavesNoTimeWaitBehind(Api api) throws Exception {
        String reproduce = String.join(" ", quoted(demo("reproduce", "--api", api.cliName(), "--max-attempts", "1")));
        String script = reproduce + " && echo \"time-wait: [$(ss -Htan state time-wait)]\" && " + reproduce;
        Result run = inNamespace("40000 40000", List.of("sh", "-c", script));
        assertEquals(ExitCodes.SELF_CONNECTED, run.exitCode, run::toString);
        assertTrue(run.out.contains("\ntime-wait: []\n"), run::toString);
        assertEquals(2, run.out.split("\nSELF-CONNECTED\n", -1).length - 1, run::toString);
    }

    @Test
    void selfConnectsOverIpv6Too() throws Exception {
        Result run = inNamespace("40000 40000", demo("--host", "::1"));
        assertEquals(ExitCodes.SELF_CONNECTED, run.exitCode, run::toString);
        assertTrue(run.out.contains("local=[0:0:0:0:0:0:0:1]:40000 remote=[0:0:0:0:0:0:0:1]:40000"), run::toString);
    }

    /** Two ports: the client's first, normal connection needs a source port while the server holds 40000. */
    @Test
    void portStealKeepsTheServerFromRestarting() throws Exception {
        Result run = inNamespace("40000 40001", demo("port-steal"));
        assertEquals(ExitCodes.SERVER_RESTART_FAILED, run.exitCode, run::toString);
        assertTrue(run.out.contains("\nattempts=1 local=127.0.0.1:40000 remote=127.0.0.1:40000\n"), run::toString);
        assertTrue(run.out.contains("\nSELF-CONNECTED\n"), run::toString);
        assertTrue(run.out.contains("read back \"are you there?\""), run::toString);
        assertTrue(run.out.contains("SO_REUSEADDR=true: java.net.BindException: Address already in use"), run::toString);
        assertTrue(run.out.endsWith("\nSERVER-RESTART-FAILED\n"), run::toString);
    }

    /**
     * A ConnectException other than "Connection refused" stops the loop with exit 4: here the real one that
     * HttpClient throws when a held self-connection occupies the only source port.
     */
    @Test
    void anyOtherConnectExceptionIsARejection() throws Exception {
        Path held = dir.resolve("held.txt");
        String script = String.join(" ", quoted(demo("--hold", "30"))) + " > " + held + " &"
                + " for i in $(seq 100); do grep -q SELF-CONNECTED " + held + " && break; sleep 0.1; done;"
                + " " + String.join(" ", quoted(demo("--api", "http", "--port", "40000")))
                + "; status=$?; kill $!; exit $status";
        Result run = inNamespace("40000 40000", List.of("sh", "-c", script));
        assertEquals(ExitCodes.REJECTED, run.exitCode, run::toString);
        assertTrue(run.out.contains("\nREJECTED: java.net.ConnectException: "), run::toString);
    }

    private static List<String> demo(String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classes = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", classes, Main.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    private static List<String> quoted(List<String> words) {
        List<String> quoted = new ArrayList<>();
        for (String word : words) {
            quoted.add("'" + word.replace("'", "'\\''") + "'");
        }
        return quoted;
    }

    private record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out:\n" + out + "--- err:\n" + err;
        }
    }

    private static Result inNamespace(String portRange, List<String> command) throws Exception {
        List<String> full = new ArrayList<>(List.of("unshare", "-rn", "sh", "-c", IN_NAMESPACE, "sh", portRange));
        full.addAll(command);
        return run(full);
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        process.getOutputStream().close();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("no answer within 90 s from " + command);
        }
        return new Result(process.exitValue(),
                new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static String namespaceProblem() {
        try {
            Result probe = run(List.of("unshare", "-rn", "sh", "-c",
                    "ip link set lo up && echo '40000 40000' > /proc/sys/net/ipv4/ip_local_port_range"));
            return probe.exitCode == 0 ? null : "exit " + probe.exitCode + ": " + probe.err.trim();
        } catch (IOException | InterruptedException e) {
            return e.toString();
        }
    }
}
