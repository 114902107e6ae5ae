package dev.selfconnect.it;

import dev.selfconnect.it.ChildJvm.Jdk;
import dev.selfconnect.it.ChildJvm.Result;
import dev.selfconnect.testsupport.NetworkNamespace;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent shares a JVM with other real tools from Maven Central (copied to target/coexistence by the build):
 * JaCoCo's agent and the OpenTelemetry Java agent on the command line, before and after it; Mockito's inline mock
 * maker mocking java.net.Socket (a retransformation through Byte Buddy's self-attach); the application's own Byte Buddy
 * retransforming java.net.Socket with Advice; and all of them at once. In each, in a one-port range, the startup line
 * says what the agent protects, a self-connection through each of the four JDK APIs is rejected in throw mode with
 * the port free afterwards, a legitimate connection works, and the other tool did its job. The OpenTelemetry agent
 * takes seconds to start: its two orders run on JDK 17, everything at once on JDK 25.
 */
class CoexistenceIT {

    private static final Path TOOLS = Paths.get("target/coexistence").toAbsolutePath();
    private static final String SELFCONNECT = "-javaagent:" + ChildJvm.AGENT_JAR.toAbsolutePath() + "=mode=throw";
    private static final String OTEL_VERSION_LINE = "INFO io.opentelemetry.javaagent.tooling.VersionLogger";
    private static final String[] APIS = {"socket", "channel-blocking", "channel-nonblocking", "async"};

    @TempDir
    static Path directory;

    @TestFactory
    Stream<DynamicTest> theAgentWithOtherTools() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Jdk jdk : jdks()) {
            tests.add(test(jdk, "JaCoCo, then selfconnect", List.of(jacoco(jdk, "jacoco-first"), SELFCONNECT)));
            tests.add(test(jdk, "selfconnect, then JaCoCo", List.of(SELFCONNECT, jacoco(jdk, "jacoco-last"))));
            tests.add(test(jdk, "Mockito's inline mock of Socket", List.of(SELFCONNECT), "mockito"));
            tests.add(test(jdk, "the application's Byte Buddy retransforms Socket", List.of(SELFCONNECT),
                    "bytebuddy"));
        }
        return tests.stream();
    }

    /** One at a time: the OpenTelemetry agent's start alone keeps a core busy for seconds. */
    @TestFactory
    @Execution(ExecutionMode.SAME_THREAD)
    Stream<DynamicTest> theAgentWithOpenTelemetry() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Jdk jdk : jdks()) {
            if (jdk.feature() == 17) {
                tests.add(test(jdk, "OpenTelemetry, then selfconnect", List.of(otel(), SELFCONNECT)));
                tests.add(test(jdk, "selfconnect, then OpenTelemetry", List.of(SELFCONNECT, otel())));
            } else {
                tests.add(test(jdk, "OpenTelemetry, selfconnect, JaCoCo, Mockito, the application's Byte Buddy",
                        List.of(otel(), SELFCONNECT, jacoco(jdk, "jacoco-all")), "mockito", "bytebuddy"));
            }
        }
        return tests.stream();
    }

    private static List<Jdk> jdks() {
        return ChildJvm.jdks().stream().filter(jdk -> jdk.feature() == 17 || jdk.feature() == 25).toList();
    }

    private static DynamicTest test(Jdk jdk, String name, List<String> agents, String... tools) {
        return DynamicTest.dynamicTest(jdk + ": " + name, () -> {
            Result r = run(jdk, agents, tools);
            assertEquals(0, r.exitCode(), r::toString);
            assertTrue(r.agentLines("INFO").stream().anyMatch(l -> l.matches("\\[selfconnect] INFO selfconnect \\S+ "
                    + "active on Java \\S+: mode=throw, .*" + ChildJvm.PROTECTS)), r::toString);
            assertTrue(r.agentLines("ERROR").isEmpty(), r::toString);
            for (String api : APIS) {
                assertTrue(r.hasResult(api + " exception dev.selfconnect.SelfConnectException: Connection refused: "
                        + "self-connection 127.0.0.1:40000 -> 127.0.0.1:40000"), () -> api + "\n" + r);
                assertTrue(r.results().contains("RESULT " + api + " port-free"), () -> api + "\n" + r);
            }
            assertTrue(r.results().contains("RESULT legitimate works"), r::toString);
            for (String agent : agents) {
                if (agent.contains("opentelemetry")) {
                    assertTrue(r.stderr().contains(OTEL_VERSION_LINE), () -> "OpenTelemetry did not start\n" + r);
                } else if (agent.contains("jacoco")) {
                    Path exec = Paths.get(agent.replaceAll(".*destfile=", ""));
                    assertTrue(Files.size(exec) > 0, () -> "JaCoCo wrote no coverage to " + exec + "\n" + r);
                }
            }
            for (String tool : tools) {
                if (tool.equals("mockito")) {
                    assertTrue(r.results().contains("RESULT mockito mock works"), r::toString);
                } else {
                    // The Advice ran once for the self-connection through Socket and once for the legitimate one.
                    assertTrue(r.results().contains("RESULT bytebuddy advice-calls 2"), r::toString);
                }
            }
        });
    }

    private static String jacoco(Jdk jdk, String name) {
        return "-javaagent:" + TOOLS.resolve("org.jacoco.agent.jar") + "=destfile="
                + directory.resolve(name + "-" + jdk.feature() + ".exec");
    }

    private static String otel() {
        return "-javaagent:" + TOOLS.resolve("opentelemetry-javaagent.jar");
    }

    private static Result run(Jdk jdk, List<String> agents, String... tools) {
        List<String> command = new ArrayList<>(NetworkNamespace.command(NetworkNamespace.ONE_PORT, "", List.of(jdk.java().toString())));
        command.addAll(agents);
        if (agents.stream().anyMatch(a -> a.contains("opentelemetry"))) {
            // Its exporters would connect to a collector on localhost: they export nothing.
            command.addAll(List.of("-Dotel.traces.exporter=none", "-Dotel.metrics.exporter=none",
                    "-Dotel.logs.exporter=none"));
        }
        command.addAll(List.of("-cp", String.join(":", AttachHarness.TEST_CLASSES.toString(),
                TOOLS.resolve("mockito-core.jar").toString(), TOOLS.resolve("objenesis.jar").toString(),
                TOOLS.resolve("byte-buddy.jar").toString(), TOOLS.resolve("byte-buddy-agent.jar").toString()),
                "dev.selfconnect.scenarios.Coexistence"));
        command.addAll(List.of(tools));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("SELFCONNECT_") || name.startsWith("OTEL_"));
        return ChildJvm.run(builder);
    }
}
