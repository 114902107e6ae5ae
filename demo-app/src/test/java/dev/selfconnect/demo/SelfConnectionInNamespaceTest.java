package dev.selfconnect.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selfconnect.testsupport.ChildProcess;
import dev.selfconnect.testsupport.JvmResult;
import dev.selfconnect.testsupport.NetworkNamespace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    @TempDir
    Path dir;

    @BeforeAll
    static void requireNetworkNamespaces() {
        NetworkNamespace.require(); // skipped where unshare -rn does not work; under CI=true a failure
    }

    @ParameterizedTest
    @EnumSource(Api.class)
    void selfConnectsAtTheFirstAttempt(Api api) throws Exception {
        JvmResult run = inNamespace("40000 40000", demo("reproduce", "--api", api.cliName()));
        assertEquals(ExitCodes.SELF_CONNECTED, run.exitCode(), run::toString);
        assertTrue(run.stdout().contains("port 40000: the only port of the ephemeral port range 40000-40000"), run::toString);
        String addresses = api == Api.HTTP
                ? "attempts=1 local=unknown remote=127.0.0.1:40000"
                : "attempts=1 local=127.0.0.1:40000 remote=127.0.0.1:40000";
        assertTrue(run.stdout().contains(addresses + "\n"), run::toString);
        assertTrue(run.stdout().endsWith("\nSELF-CONNECTED\n"), run::toString);
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
        JvmResult run = inNamespace("40000 40000", List.of("sh", "-c", script));
        assertEquals(ExitCodes.SELF_CONNECTED, run.exitCode(), run::toString);
        assertTrue(run.stdout().contains("\ntime-wait: []\n"), run::toString);
        assertEquals(2, run.stdout().split("\nSELF-CONNECTED\n", -1).length - 1, run::toString);
    }

    @Test
    void selfConnectsOverIpv6Too() throws Exception {
        JvmResult run = inNamespace("40000 40000", demo("--host", "::1"));
        assertEquals(ExitCodes.SELF_CONNECTED, run.exitCode(), run::toString);
        assertTrue(run.stdout().contains("local=[0:0:0:0:0:0:0:1]:40000 remote=[0:0:0:0:0:0:0:1]:40000"), run::toString);
    }

    /** Two ports: the client's first, normal connection needs a source port while the server holds 40000. */
    @Test
    void portStealKeepsTheServerFromRestarting() throws Exception {
        JvmResult run = inNamespace("40000 40001", demo("port-steal"));
        assertEquals(ExitCodes.SERVER_RESTART_FAILED, run.exitCode(), run::toString);
        assertTrue(run.stdout().contains("\nattempts=1 local=127.0.0.1:40000 remote=127.0.0.1:40000\n"), run::toString);
        assertTrue(run.stdout().contains("\nSELF-CONNECTED\n"), run::toString);
        assertTrue(run.stdout().contains("read back \"are you there?\""), run::toString);
        assertTrue(run.stdout().contains("SO_REUSEADDR=true: java.net.BindException: Address already in use"), run::toString);
        assertTrue(run.stdout().endsWith("\nSERVER-RESTART-FAILED\n"), run::toString);
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
        JvmResult run = inNamespace("40000 40000", List.of("sh", "-c", script));
        assertEquals(ExitCodes.REJECTED, run.exitCode(), run::toString);
        assertTrue(run.stdout().contains("\nREJECTED: java.net.ConnectException: "), run::toString);
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

    private static JvmResult inNamespace(String portRange, List<String> command) {
        return ChildProcess.run(ChildProcess.builder(NetworkNamespace.command(portRange, "", command)));
    }
}
