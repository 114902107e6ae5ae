package dev.selfconnect.it;

import static dev.selfconnect.it.Scenarios.assertNoWarning;
import static dev.selfconnect.it.Scenarios.assertOneWarning;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The demo's port-steal: its server listens on 40000 while its client connects from another ephemeral port, so
 * the range here is 40000-40003 (Linux hands out an even number of ports of the range, and a range of 2 leaves
 * no port for the client's last reconnect: the previous one sits in TIME_WAIT). Linux tries even source ports
 * first, so once the server has stopped, the client's reconnect takes 40000 and connects to itself.
 */
@DisplayName("port-steal")
@ExtendWith(RequiresDocker.class)
class PortStealTest {

    private static RunResult portSteal(DemoRun run) {
        return run.portRange(DemoRun.PORT, DemoRun.PORT + 3)
                .demo("port-steal", "--port", String.valueOf(DemoRun.PORT)).run();
    }

    @DisplayName("no agent: the client takes the port, the server cannot restart")
    @ParameterizedTest(name = "on {0}")
    @EnumSource(Jdk.class)
    void withoutAgentTheServerCannotRestart(Jdk jdk) {
        RunResult run = portSteal(DemoRun.on(jdk));

        assertEquals(6, run.exitCode(), () -> "expected exit 6 (SERVER-RESTART-FAILED)" + run);
        assertTrue(run.stdout().lines().anyMatch("SERVER-RESTART-FAILED"::equals), run::toString);
        assertNoWarning(run);
    }

    @DisplayName("mode=log: warned, the server still cannot restart")
    @ParameterizedTest(name = "on {0}")
    @EnumSource(Jdk.class)
    void logModeWarnsOnly(Jdk jdk) {
        RunResult run = portSteal(DemoRun.on(jdk).withAgent("mode=log"));

        assertEquals(6, run.exitCode(), () -> "expected exit 6 (SERVER-RESTART-FAILED)" + run);
        assertOneWarning(run, "socket");
    }

    @DisplayName("mode=throw: the client is refused, the server restarts")
    @ParameterizedTest(name = "on {0}")
    @EnumSource(Jdk.class)
    void throwModeLetsTheServerRestart(Jdk jdk) {
        RunResult run = portSteal(DemoRun.on(jdk).withAgent("mode=throw"));

        assertEquals(0, run.exitCode(), () -> "expected exit 0 (SERVER-RESTARTED)" + run);
        assertTrue(run.stdout().lines().anyMatch("SERVER-RESTARTED"::equals), run::toString);
        assertTrue(run.stdout().contains("REJECTED: dev.selfconnect.SelfConnectException"), run::toString);
        assertOneWarning(run, "socket");
    }
}
