package dev.selfconnect.it;

import dev.selfconnect.it.ChildJvm.Jdk;
import dev.selfconnect.it.ChildJvm.Result;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The settings in their three spellings, their precedence, bad values, and the agent's behaviour around them. */
class ConfigurationIT {

    private static final String SELF = "127.0.0.1:40000 -> 127.0.0.1:40000";
    private static final String THROWN = "RESULT exception dev.selfconnect.SelfConnectException: Connection refused: "
            + "self-connection " + SELF;
    private static final String CONNECTED = "RESULT connected local=127.0.0.1:40000 remote=127.0.0.1:40000";

    record Case(String name, UnaryOperator<ChildJvm> setup, Consumer<Result> expectations) {
    }

    static final List<Case> CASES = List.of(
            new Case("startup line names the version, the JDK and every setting", jvm -> jvm.agent(null), r -> {
                assertEquals(1, r.agentLines("INFO").size(), r::toString);
                assertTrue(r.agentLines("INFO").get(0).matches("\\[selfconnect] INFO selfconnect \\S+ active on "
                        + "Java \\S+: mode=log, stack-traces=true, ignore=none" + ChildJvm.PROTECTS), r::toString);
                assertTrue(r.results().contains(CONNECTED), r::toString);
            }),
            new Case("mode as a system property", jvm -> jvm.agent(null).jvmOption("-Dselfconnect.mode=throw"),
                    r -> assertThrown(r)),
            new Case("mode as an environment variable", jvm -> jvm.agent(null).env("SELFCONNECT_MODE", "throw"),
                    r -> assertThrown(r)),
            new Case("mode as an agent argument", jvm -> jvm.agent("mode=throw"), r -> assertThrown(r)),
            new Case("system property wins over environment variable",
                    jvm -> jvm.agent(null).env("SELFCONNECT_MODE", "throw").jvmOption("-Dselfconnect.mode=log"),
                    r -> assertTrue(r.results().contains(CONNECTED), r::toString)),
            new Case("agent argument wins over system property",
                    jvm -> jvm.agent("mode=throw").jvmOption("-Dselfconnect.mode=log"), r -> assertThrown(r)),
            new Case("an ignored port is left alone", jvm -> jvm.agent("mode=throw,ignore=8080,40000"), r -> {
                assertEquals(List.of(), r.warnings(), r::toString);
                assertTrue(r.results().contains(CONNECTED), r::toString);
                assertTrue(r.agentLines("INFO").get(0).endsWith("ignore=8080,40000" + ChildJvm.PROTECTS), r::toString);
            }),
            new Case("an ignored endpoint is left alone",
                    jvm -> jvm.agent(null).env("SELFCONNECT_MODE", "throw")
                            .env("SELFCONNECT_IGNORE", "127.0.0.1:40000"), r -> {
                        assertEquals(List.of(), r.warnings(), r::toString);
                        assertTrue(r.results().contains(CONNECTED), r::toString);
                    }),
            new Case("an ignore entry for another address does not hide it",
                    jvm -> jvm.agent("mode=throw,ignore=127.0.0.2:40000"), r -> assertThrown(r)),
            new Case("stack-traces=false writes the record alone",
                    jvm -> jvm.agent(null).jvmOption("-Dselfconnect.stack-traces=false"), r -> {
                        assertEquals(1, r.warnings().size(), r::toString);
                        assertFalse(r.stderr().contains("\tat "), r::toString);
                    }),
            new Case("mode=off installs nothing", jvm -> jvm.agent("mode=off"), r -> {
                assertTrue(r.agentLines("INFO").get(0).contains("installed nothing: mode=off"), r::toString);
                assertEquals(List.of(), r.warnings(), r::toString);
                assertTrue(r.results().contains(CONNECTED), r::toString);
            }),
            new Case("loaded twice, installed once", jvm -> jvm.agent("mode=throw").agent("mode=throw"), r -> {
                List<String> info = r.agentLines("INFO");
                assertEquals(2, info.size(), r::toString);
                assertTrue(info.get(0).contains(" active on Java "), r::toString);
                assertTrue(info.get(1).contains("is already installed in this JVM; this copy does nothing"),
                        r::toString);
                assertThrown(r);
            }),
            invalid("an unknown mode", jvm -> jvm.agent("mode=banana"),
                    "invalid value 'banana' for selfconnect.mode (agent argument mode=banana): "
                            + "expected log, throw or off"),
            invalid("a misspelt system property", jvm -> jvm.agent(null).jvmOption("-Dselfconnect.moed=throw"),
                    "unknown setting system property selfconnect.moed='throw': known settings are selfconnect.mode, "
                            + "selfconnect.stack-traces, selfconnect.ignore, selfconnect.risks, selfconnect.audit.file,"
                            + " selfconnect.report-interval, selfconnect.service (as environment variables"
                            + " SELFCONNECT_MODE, SELFCONNECT_STACK_TRACES, SELFCONNECT_IGNORE, SELFCONNECT_RISKS,"
                            + " SELFCONNECT_AUDIT_FILE, SELFCONNECT_REPORT_INTERVAL, SELFCONNECT_SERVICE)"),
            invalid("a malformed ignore list", jvm -> jvm.agent(null).env("SELFCONNECT_IGNORE", "8080,80x"),
                    "invalid value '8080,80x' for selfconnect.ignore (environment variable SELFCONNECT_IGNORE), "
                            + "entry '80x' is malformed: expected a comma-separated list of PORT, LOW-HIGH, IP:PORT, "
                            + "[IPv6]:PORT or localhost:PORT, ports 1-65535, or @FILE to read the list from a"
                            + " file"),
            invalid("a bad boolean", jvm -> jvm.agent("stack-traces=yes"),
                    "invalid value 'yes' for selfconnect.stack-traces (agent argument stack-traces=yes): "
                            + "expected true or false"),
            new Case("bad setting stops the JVM: a newline and an ESC in a value forge no line",
                    jvm -> jvm.agent(null).env("SELFCONNECT_MODE", "log\n[selfconnect] INFO FORGED \u001b[2J"), r -> {
                        assertEquals(1, r.exitCode(), r::toString);
                        assertEquals(List.of("[selfconnect] ERROR invalid value 'log\\n[selfconnect] INFO FORGED"
                                + " \\u001b[2J' for selfconnect.mode (environment variable SELFCONNECT_MODE): expected"
                                + " log, throw or off" + ChildJvm.STOPS), r.agentLines("ERROR"), r::toString);
                        assertEquals(List.of(), r.agentLines("INFO"), r::toString);
                        assertFalse(r.stderr().contains("\u001b"), r::toString);
                    }));

    private static Case invalid(String name, UnaryOperator<ChildJvm> setup, String message) {
        return new Case("bad setting stops the JVM: " + name, setup, r -> {
            assertEquals(1, r.exitCode(), r::toString);
            List<String> errors = r.agentLines("ERROR");
            assertEquals(1, errors.size(), r::toString);
            assertEquals("[selfconnect] ERROR " + message + ChildJvm.STOPS, errors.get(0), r::toString);
            assertEquals(List.of(), r.results(), "main must not run\n" + r);
        });
    }

    private static void assertThrown(Result r) {
        assertEquals(1, r.warnings().size(), r::toString);
        assertTrue(r.results().stream().anyMatch(l -> l.startsWith(THROWN)), r::toString);
        assertTrue(r.hasResult("rebind ok"), r::toString);
    }

    /**
     * The settings are read by the same code on every JDK: all cases run on 17 and 25, and on the other JDKs the ones
     * that also depend on what the JDK does with them (its properties and environment, the connect, two agents, a
     * JVM stopped in premain).
     */
    private static final List<String> ON_EVERY_JDK = List.of("mode as a system property",
            "mode as an environment variable", "an ignored port is left alone", "mode=off installs nothing",
            "loaded twice, installed once", "bad setting stops the JVM: an unknown mode",
            "bad setting stops the JVM: a newline and an ESC in a value forge no line");

    private static boolean everyCaseOn(Jdk jdk) {
        return jdk.feature() == 17 || jdk.feature() == 25;
    }

    @TestFactory
    List<DynamicNode> settings() {
        List<DynamicNode> nodes = new ArrayList<>();
        for (Jdk jdk : ChildJvm.jdks()) {
            List<DynamicNode> tests = new ArrayList<>();
            for (Case c : CASES) {
                if (!everyCaseOn(jdk) && !ON_EVERY_JDK.contains(c.name())) {
                    continue;
                }
                tests.add(DynamicTest.dynamicTest(jdk + ": " + c.name(), () -> {
                    Result result = c.setup().apply(ChildJvm.on(jdk)).runScenario("socket-connect");
                    if (!c.name().startsWith("bad setting")) {
                        assertEquals(0, result.exitCode(), result::toString);
                        assertFalse(result.stderr().contains("ERROR"), result::toString);
                    }
                    c.expectations().accept(result);
                }));
            }
            tests.add(DynamicTest.dynamicTest(jdk + ": a log handler that connects does not loop", () -> {
                Result result = ChildJvm.on(jdk).agent("mode=log")
                        .runScenario("log-handler-connects");
                assertEquals(0, result.exitCode(), result::toString);
                assertEquals(1, result.warnings().size(), result::toString);
                assertTrue(result.results().contains(CONNECTED), result::toString);
                assertTrue(result.results().contains(
                        "RESULT handler connected local=127.0.0.1:40001 remote=127.0.0.1:40001"), result::toString);
            }));
            nodes.add(DynamicContainer.dynamicContainer(jdk.name(), tests));
        }
        return nodes;
    }
}
