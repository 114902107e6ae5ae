package dev.selfconnect.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.provider.Arguments;

/** What the container scenarios share: the demo's APIs, its commands and the checks on its output. */
final class Scenarios {

    static final List<String> APIS = List.of("socket", "channel", "nio", "async", "http");

    /** How the agent's warning names each API; HttpClient connects with a SocketChannel. */
    static String agentApiName(String api) {
        return switch (api) {
            case "socket" -> "Socket";
            case "async" -> "AsynchronousSocketChannel";
            default -> "SocketChannel";
        };
    }

    static final String SELF_CONNECTION = "self-connection 127.0.0.1:" + DemoRun.PORT + " -> 127.0.0.1:" + DemoRun.PORT;

    private Scenarios() {
    }

    static Stream<Arguments> jdksAndApis() {
        return Stream.of(Jdk.values()).flatMap(jdk -> APIS.stream().map(api -> Arguments.of(jdk, api)));
    }

    /** The demo connects once to the single ephemeral port, where nothing listens. */
    static String[] reproduce(String api) {
        return new String[] {"reproduce", "--port", String.valueOf(DemoRun.PORT), "--api", api, "--max-attempts", "1"};
    }

    static void assertReproduced(RunResult run) {
        assertEquals(0, run.exitCode(), () -> "expected exit 0 (SELF-CONNECTED)" + run);
        assertTrue(run.stdout().lines().anyMatch("SELF-CONNECTED"::equals), () -> "no SELF-CONNECTED" + run);
    }

    /** Exactly one agent warning, and it names the self-connection's two addresses. */
    static void assertOneWarning(RunResult run, String api) {
        List<String> warnings = run.agentLines("WARN");
        assertEquals(1, warnings.size(), () -> "expected one warning" + run);
        assertTrue(warnings.get(0).contains(SELF_CONNECTION + " via " + agentApiName(api) + " "),
                () -> "the warning should name both addresses and the API" + run);
    }

    static void assertNoWarning(RunResult run) {
        assertEquals(List.of(), run.agentLines("WARN"), () -> "expected no warning" + run);
    }

    /** The demo got the agent's exception, and printed "REJECTED: <class>: <message>". */
    static void assertRejected(RunResult run) {
        assertEquals(4, run.exitCode(), () -> "expected exit 4 (REJECTED)" + run);
        String expected = "REJECTED: dev.selfconnect.SelfConnectException: Connection refused: " + SELF_CONNECTION
                + "; nothing listens on " + DemoRun.PORT;
        assertTrue(run.stdout().lines().anyMatch(line -> line.startsWith(expected)),
                () -> "expected the agent's exception" + run);
    }
}
