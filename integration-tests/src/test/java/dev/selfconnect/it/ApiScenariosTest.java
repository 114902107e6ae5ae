package dev.selfconnect.it;

import static dev.selfconnect.it.Scenarios.assertOneWarning;
import static dev.selfconnect.it.Scenarios.assertRejected;
import static dev.selfconnect.it.Scenarios.assertReproduced;
import static dev.selfconnect.it.Scenarios.reproduce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("reproduce, each --api")
@ExtendWith(RequiresDocker.class)
class ApiScenariosTest {

    /**
     * The demo app closes its own self-connection with a reset where the API allows it (SO_LINGER 0), so that a next
     * run finds the port free; AsynchronousSocketChannel has no SO_LINGER, and its closed self-connection keeps the
     * port in TIME_WAIT. (That the port stays taken while the self-connection lives is port-steal's story.)
     */
    @DisplayName("no agent: self-connection reproduced")
    @ParameterizedTest(name = "on {0}, --api {1}")
    @MethodSource("dev.selfconnect.it.Scenarios#jdksAndApis")
    void withoutAgentTheSelfConnectionHappens(Jdk jdk, String api) {
        RunResult run = DemoRun.on(jdk).demo(reproduce(api))
                .underSteps("bind-after", String.valueOf(DemoRun.PORT)).run();

        assertReproduced(run);
        assertFalse(run.stderr().contains("[selfconnect]"), () -> "the agent is not there" + run);
        String expected = api.equals("async") || api.equals("http") ? "BIND-FAILED " : "BOUND ";
        assertTrue(run.stdout().lines().anyMatch(line -> line.startsWith(expected + DemoRun.PORT)),
                () -> "after the demo: expected " + expected + run);
    }

    @DisplayName("mode=log: reproduced, one warning naming both addresses")
    @ParameterizedTest(name = "on {0}, --api {1}")
    @MethodSource("dev.selfconnect.it.Scenarios#jdksAndApis")
    void logModeWarnsOnce(Jdk jdk, String api) {
        RunResult run = DemoRun.on(jdk).withAgent("mode=log").demo(reproduce(api)).run();

        assertReproduced(run);
        assertEquals(1, run.agentLines("INFO").stream().filter(line -> line.contains("mode=log")).count(),
                () -> "one startup line saying mode=log" + run);
        assertOneWarning(run, api);
        assertFalse(run.frameLines().isEmpty(), () -> "stack-traces=true by default: frames under the warning" + run);
    }

    @DisplayName("mode=throw: the demo gets the exception, a server binds the port right after")
    @ParameterizedTest(name = "on {0}, --api {1}")
    @MethodSource("dev.selfconnect.it.Scenarios#jdksAndApis")
    void throwModeRejectsAndLeavesThePortFree(Jdk jdk, String api) {
        RunResult run = DemoRun.on(jdk).withAgent("mode=throw").demo(reproduce(api))
                .underSteps("bind-after", String.valueOf(DemoRun.PORT)).run();

        assertRejected(run);
        assertOneWarning(run, api);
        assertTrue(run.stdout().lines().anyMatch(("BOUND " + DemoRun.PORT)::equals),
                () -> "a server should bind the port once the demo has exited" + run);
    }
}
