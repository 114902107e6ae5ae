package dev.selfconnect.it;

import static dev.selfconnect.it.Scenarios.assertNoWarning;
import static dev.selfconnect.it.Scenarios.assertOneWarning;
import static dev.selfconnect.it.Scenarios.assertRejected;
import static dev.selfconnect.it.Scenarios.assertReproduced;
import static dev.selfconnect.it.Scenarios.reproduce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("settings as agent arguments, system properties and environment variables")
@ExtendWith(RequiresDocker.class)
class OptionsTest {

    static Stream<Arguments> jdksAndSpellings() {
        return Stream.of(Jdk.values()).flatMap(jdk -> Stream.of(Spelling.values()).map(s -> Arguments.of(jdk, s)));
    }

    @DisplayName("mode=throw: the demo gets the exception")
    @ParameterizedTest(name = "on {0}, as {1}")
    @MethodSource("jdksAndSpellings")
    void modeThrow(Jdk jdk, Spelling spelling) {
        RunResult run = spelling.apply(DemoRun.on(jdk), "mode", "throw").demo(reproduce("socket")).run();

        assertRejected(run);
        assertOneWarning(run, "socket");
    }

    @DisplayName("mode=off: reproduced, no warning")
    @ParameterizedTest(name = "on {0}, as {1}")
    @MethodSource("jdksAndSpellings")
    void modeOff(Jdk jdk, Spelling spelling) {
        RunResult run = spelling.apply(DemoRun.on(jdk), "mode", "off").demo(reproduce("socket")).run();

        assertReproduced(run);
        assertNoWarning(run);
    }

    @DisplayName("stack-traces=false: the warning comes without frames")
    @ParameterizedTest(name = "on {0}, as {1}")
    @MethodSource("jdksAndSpellings")
    void stackTracesFalse(Jdk jdk, Spelling spelling) {
        RunResult run = spelling.apply(DemoRun.on(jdk), "stack-traces", "false").demo(reproduce("socket")).run();

        assertReproduced(run);
        assertOneWarning(run, "socket");
        assertEquals(List.of(), run.frameLines(), () -> "expected no stack frames" + run);
    }

    @DisplayName("ignore=8080,127.0.0.1:40000 with mode=throw: reproduced, no warning")
    @ParameterizedTest(name = "on {0}, as {1}")
    @MethodSource("jdksAndSpellings")
    void ignore(Jdk jdk, Spelling spelling) {
        RunResult run = spelling.apply(DemoRun.on(jdk), "ignore", "8080,127.0.0.1:" + DemoRun.PORT)
                .env("SELFCONNECT_MODE", "throw") // ignored connections are let through even in throw mode
                .demo(reproduce("socket")).run();

        assertReproduced(run);
        assertNoWarning(run);
    }

    @DisplayName("an agent argument beats a system property and an environment variable")
    @ParameterizedTest(name = "on {0}")
    @EnumSource(Jdk.class)
    void agentArgumentWins(Jdk jdk) {
        RunResult run = DemoRun.on(jdk).withAgent("mode=log")
                .systemProperty("selfconnect.mode", "throw").env("SELFCONNECT_MODE", "throw")
                .demo(reproduce("socket")).run();

        assertReproduced(run);
        assertOneWarning(run, "socket");
    }

    @DisplayName("a system property beats an environment variable")
    @ParameterizedTest(name = "on {0}")
    @EnumSource(Jdk.class)
    void systemPropertyWins(Jdk jdk) {
        RunResult run = DemoRun.on(jdk).withAgent()
                .systemProperty("selfconnect.mode", "throw").env("SELFCONNECT_MODE", "off")
                .demo(reproduce("socket")).run();

        assertRejected(run);
        assertTrue(run.agentLines("INFO").stream().anyMatch(line -> line.contains("mode=throw")), run::toString);
    }
}
