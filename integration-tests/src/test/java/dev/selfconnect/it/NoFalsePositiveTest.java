package dev.selfconnect.it;

import static dev.selfconnect.it.Scenarios.assertNoWarning;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("normal client and server")
@ExtendWith(RequiresDocker.class)
class NoFalsePositiveTest {

    /** A port outside the ephemeral range: the client connects from 40000 to a real server there. */
    static final int SERVER_PORT = 8080;

    @DisplayName("a client connects to the demo's server, the agent in both: connected, no warning")
    @ParameterizedTest(name = "on {0}, --api {1}")
    @MethodSource("dev.selfconnect.it.Scenarios#jdksAndApis")
    void aRealPeerIsNotASelfConnection(Jdk jdk, String api) {
        RunResult run = DemoRun.on(jdk).withAgent("mode=throw")
                .demo("reproduce", "--port", String.valueOf(SERVER_PORT), "--api", api, "--max-attempts", "1")
                .underSteps("serve-during", String.valueOf(SERVER_PORT)).run();

        assertEquals(5, run.exitCode(), () -> "expected exit 5 (CONNECTED)" + run);
        assertTrue(run.stdout().lines().anyMatch("CONNECTED"::equals), run::toString);
        assertEquals(2, run.agentLines("INFO").size(), () -> "the agent should run in the client and the server" + run);
        assertNoWarning(run);
    }
}
