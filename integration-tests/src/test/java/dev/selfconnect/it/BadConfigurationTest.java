package dev.selfconnect.it;

import static dev.selfconnect.it.Scenarios.reproduce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("bad agent configuration")
@ExtendWith(RequiresDocker.class)
class BadConfigurationTest {

    static Stream<Arguments> jdksAndSpellings() {
        return Stream.of(Jdk.values()).flatMap(jdk -> Stream.of(Spelling.values()).map(s -> Arguments.of(jdk, s)));
    }

    @DisplayName("mode=banana: one clear error, exit 1 before main")
    @ParameterizedTest(name = "on {0}, as {1}")
    @MethodSource("jdksAndSpellings")
    void invalidMode(Jdk jdk, Spelling spelling) {
        RunResult run = spelling.apply(DemoRun.on(jdk), "mode", "banana").demo(reproduce("socket")).run();

        String error = assertFailedBeforeMain(run);
        for (String part : List.of("'banana'", "selfconnect.mode", spelling + " " + spelling.name("mode"),
                "log", "throw", "off")) {
            assertTrue(error.contains(part), () -> "the error should mention " + part + run);
        }
    }

    @DisplayName("unknown system property selfconnect.foo: one clear error, exit 1 before main")
    @ParameterizedTest(name = "on {0}")
    @EnumSource(Jdk.class)
    void unknownSystemProperty(Jdk jdk) {
        RunResult run = DemoRun.on(jdk).withAgent().systemProperty("selfconnect.foo", "bar")
                .demo(reproduce("socket")).run();

        String error = assertFailedBeforeMain(run);
        for (String part : List.of("selfconnect.foo", "'bar'", "selfconnect.mode", "selfconnect.stack-traces",
                "selfconnect.ignore")) {
            assertTrue(error.contains(part), () -> "the error should mention " + part + run);
        }
    }

    /**
     * Returns the first error line, the one that names the problem, after checking the exit code and that nothing
     * but the agent's errors was printed. (The agent adds a second ERROR line saying that the JVM stops.)
     */
    private static String assertFailedBeforeMain(RunResult run) {
        assertEquals(1, run.exitCode(), () -> "expected exit 1" + run);
        List<String> errors = run.agentLines("ERROR");
        assertFalse(errors.isEmpty(), () -> "expected an error line" + run);
        assertEquals(errors, run.stderr().lines().toList(), () -> "nothing but the agent's errors" + run);
        assertEquals("", run.stdout(), () -> "the demo's main should not have run" + run);
        return errors.get(0);
    }
}
