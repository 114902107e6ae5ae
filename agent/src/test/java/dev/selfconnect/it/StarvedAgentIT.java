package dev.selfconnect.it;

import dev.selfconnect.it.ChildJvm.Jdk;
import dev.selfconnect.it.ChildJvm.Result;
import dev.selfconnect.testsupport.NetworkNamespace;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A self-connection made while the JVM has almost no heap or almost no stack left is still rejected and reset in
 * throw mode: the agent's own failures there never turn into an open self-connected socket. The application
 * (StarvedScenarios) fills the heap and frees a few bytes to a few hundred KB before each connect, or connects at the
 * bottom of a recursion ending one, two, ... frames short of a stack overflow. An OutOfMemoryError or
 * StackOverflowError from the JDK's own code, where the agent has not run yet, is the application's to see.
 */
class StarvedAgentIT {

    /** Bytes freed before each connect, the heap otherwise full: the JDK fails at the first, the agent runs later. */
    private static final List<String> RESERVES = List.of("0", "256", "384", "512", "640", "768", "1024", "4096",
            "16384", "262144");
    /** The agent once let self-connections through with this much free heap or less. */
    private static final int NEARLY_FULL = 16384;
    private static final int MAX_STACK_OFFSET = 400;
    private static final String MAIN = "dev.selfconnect.scenarios.StarvedScenarios";
    private static final Pattern RESULT = Pattern.compile("RESULT (heap reserve|stack offset)=(\\d+) outcome=(\\S+)(.*)");

    @TestFactory
    Stream<DynamicTest> aSelfConnectionIsRejectedWithAlmostNoHeapLeft() {
        return ChildJvm.jdks().stream().map(jdk -> DynamicTest.dynamicTest(jdk + ": heap nearly full",
                () -> heap(jdk)));
    }

    @TestFactory
    Stream<DynamicTest> aSelfConnectionIsRejectedWithAlmostNoStackLeft() {
        return ChildJvm.jdks().stream().map(jdk -> DynamicTest.dynamicTest(jdk + ": stack nearly used up",
                () -> stack(jdk)));
    }

    private static void heap(Jdk jdk) {
        List<String> arguments = new ArrayList<>(List.of("-Xmx24m", "-XX:+UseSerialGC", "-XX:-UseTLAB",
                MAIN, "heap"));
        arguments.addAll(RESERVES);
        Result result = run(jdk, arguments);
        List<Outcome> outcomes = outcomes(result);
        assertEquals(RESERVES.size(), outcomes.size(), "one outcome per reserve\n" + shown(result));
        // At the lowest reserve where a connect gets made at all, the rejection can find no memory left for the
        // reset (SO_LINGER 0): the application still gets its SelfConnectException, and the port is released only
        // by its close, through TIME_WAIT. From the next reserve up, the reset must have happened too.
        int firstRejected = outcomes.stream().filter(o -> o.outcome.equals("rejected")).mapToInt(o -> o.at).min()
                .orElse(Integer.MAX_VALUE);
        assertNoneLetThrough(outcomes.stream().filter(o -> !(o.at == firstRejected && o.outcome.equals("rejected")))
                .toList(), result);
        assertTrue(outcomes.stream().anyMatch(o -> o.outcome.equals("jdk-oom")),
                "the heap never ran out for the JDK itself: nothing was starved\n" + shown(result));
        assertTrue(outcomes.stream().anyMatch(o -> o.outcome.equals("rejected") && o.at <= NEARLY_FULL),
                "no self-connection was made with " + NEARLY_FULL + " bytes free or less\n" + shown(result));
    }

    private static void stack(Jdk jdk) {
        Result result = run(jdk, List.of("-Xss512k", "-XX:CompileCommand=quiet",
                "-XX:CompileCommand=exclude,dev.selfconnect.scenarios.StarvedScenarios::descend",
                MAIN, "stack", Integer.toString(MAX_STACK_OFFSET)));
        List<Outcome> outcomes = outcomes(result);
        assertNoneLetThrough(outcomes, result);
        // Offsets are tried one frame apart: the first rejection right after a stack overflow is a connect made
        // with as little stack as a connect can have. On Java 8 and 11 the JDK needs more stack before its connect
        // than the agent needs after it, so there the agent itself never runs short.
        int firstRejected = outcomes.stream().filter(o -> o.outcome.equals("rejected")).mapToInt(o -> o.at)
                .findFirst().orElseThrow(() -> new AssertionError("no connect had stack enough\n" + shown(result)));
        assertTrue(outcomes.stream().anyMatch(o -> o.at == firstRejected - 1 && !o.outcome.equals("not-reached")),
                "no connect was tried one frame short of the first rejection\n" + shown(result));
    }

    /** No self-connection left open or unreset, no error from the agent's code reaching the application. */
    private static void assertNoneLetThrough(List<Outcome> outcomes, Result result) {
        assertTrue(result.stdout().contains("RESULT done"), "the application did not finish\n" + shown(result));
        assertEquals(0, result.exitCode(), shown(result));
        for (Outcome o : outcomes) {
            boolean jdkError = o.outcome.equals("jdk-oom") || o.outcome.equals("jdk-soe");
            boolean fine = o.outcome.equals("rejected") || jdkError || o.outcome.equals("not-reached");
            // The JDK can run out after its own connect and before the agent's hook runs: the port is then held
            // by a connection the agent never saw (the frames in the detail are the JDK's).
            if (!fine || o.portHeld && !jdkError) {
                fail(o.line + "\n" + shown(result));
            }
        }
    }

    /** The run without the frames of the agent's records (thousands, at the bottom of a deep recursion). */
    private static String shown(Result result) {
        return "command: " + String.join(" ", result.command()) + "\nexit: " + result.exitCode() + "\n--- stdout\n"
                + result.stdout() + "--- stderr without frames\n"
                + String.join("\n", result.stderr().lines().filter(l -> !l.startsWith("\tat ")).toList());
    }

    private static Result run(Jdk jdk, List<String> jvmOptionsAndArguments) {
        List<String> command = new ArrayList<>(NetworkNamespace.command(NetworkNamespace.ONE_PORT, "", List.of(
                jdk.java().toString(), "-javaagent:" + ChildJvm.AGENT_JAR.toAbsolutePath() + "=mode=throw",
                "-cp", AttachHarness.TEST_CLASSES.toString())));
        command.addAll(jvmOptionsAndArguments);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("SELFCONNECT_"));
        return ChildJvm.run(builder);
    }

    private record Outcome(String line, int at, String outcome, boolean portHeld) {
    }

    private static List<Outcome> outcomes(Result result) {
        List<Outcome> outcomes = new ArrayList<>();
        for (String line : result.results()) {
            Matcher m = RESULT.matcher(line);
            if (m.matches()) {
                outcomes.add(new Outcome(line, Integer.parseInt(m.group(2)), m.group(3),
                        m.group(4).endsWith(" port-held")));
            }
        }
        return outcomes;
    }
}
