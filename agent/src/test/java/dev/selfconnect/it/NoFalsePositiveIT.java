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
import java.util.function.Predicate;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connections that are not self-connections, and connects that fail, in throw mode (the strictest): no report,
 * no exception from the agent, and the application's own exception passes through untouched.
 */
class NoFalsePositiveIT {

    private static final String VETH = "ip link add sc0 type veth peer name sc1 && ip addr add 10.200.0.1/24 dev sc0"
            + " && ip link set sc0 up && ip link set sc1 up";

    /**
     * A case; {@code since} and {@code feature}: the Java version that brought an API the scenario uses, and its name.
     * On an older JDK the scenario says that it lacks it, and runs the rest (every other API, for the server case).
     */
    record Case(String name, String[] arguments, String namespaceSetup, List<String> jvmOptions,
                Consumer<Result> expectations, int since, String feature) {
        Case(String name, String[] arguments, String namespaceSetup, Consumer<Result> expectations) {
            this(name, arguments, namespaceSetup, List.of(), expectations, 8, "");
        }

        Case(String name, String[] arguments, String namespaceSetup, List<String> jvmOptions,
             Consumer<Result> expectations) {
            this(name, arguments, namespaceSetup, jvmOptions, expectations, 8, "");
        }

        Case since(int version, String what) {
            return new Case(name, arguments, namespaceSetup, jvmOptions, expectations, version, what);
        }

        boolean everyApi() {
            return arguments[0].equals("listening-server-all-apis");
        }
    }

    /**
     * The application's own exceptions, as each JDK words them: Java 13 and later (the NIO-based Socket) say
     * "Connection refused" and "Connect timed out"; Java 8 and 11 "Connection refused (Connection refused)" and
     * "connect timed out".
     */
    private static final Predicate<String> REFUSED = Pattern.compile(
            "RESULT exception java\\.net\\.ConnectException: Connection refused( \\(Connection refused\\))?")
            .asMatchPredicate();
    private static final Predicate<String> TIMED_OUT = Pattern.compile(
            "RESULT exception java\\.net\\.SocketTimeoutException: [Cc]onnect timed out").asMatchPredicate();

    private static final Consumer<Result> EVERY_API_CONNECTED = r -> {
        assertEquals(10, r.results().stream().filter(l -> l.startsWith("RESULT scenario ")).count(), r::toString);
        assertEquals(10, r.results().stream()
                .filter(l -> l.contains("connected local=") && l.endsWith(" remote=127.0.0.1:5555")
                        || l.startsWith("RESULT http-client ") || l.startsWith("RESULT unavailable java.net.http:"))
                .count(), r::toString);
        assertFalse(r.hasResult("exception"), r::toString);
    };

    static final List<Case> CASES = List.of(
            new Case("every API to a listening server", new String[] {"listening-server-all-apis"}, "",
                    EVERY_API_CONNECTED).since(11, "java.net.http"),
            // The JVM does not verify the JDK's own classes unless told to: the woven ones must pass all the same.
            new Case("every API, with the woven JDK classes checked by the verifier",
                    new String[] {"listening-server-all-apis"}, "", List.of("-Xverify:all"), EVERY_API_CONNECTED)
                    .since(11, "java.net.http"),
            new Case("a client bound to its own local port", new String[] {"bound-client"}, "", r -> {
                assertTrue(r.hasResult("connected local=127.0.0.1:6001 remote=127.0.0.1:5555"), r::toString);
                assertTrue(r.results().stream().anyMatch(REFUSED), r::toString);
            }),
            new Case("a Unix domain socket channel", new String[] {"unix-domain"}, "",
                    r -> assertTrue(r.hasResult("unix connected "), r::toString))
                    .since(16, "unix-domain socket channels"),
            new Case("an SSL socket", new String[] {"ssl-socket"}, "",
                    r -> assertTrue(r.hasResult("connected local=127.0.0.1:40"), r::toString)),
            new Case("a Socket through a SOCKS proxy", new String[] {"socks-proxy"}, "",
                    r -> assertTrue(r.hasResult("socks connected remote=127.0.0.1:5555"), r::toString)),
            new Case("a refused connect", new String[] {"socket-connect", "127.0.0.1", "7000"}, "",
                    r -> assertTrue(r.results().stream().anyMatch(REFUSED), r::toString)),
            new Case("a refused channel connect", new String[] {"channel-blocking", "127.0.0.1", "7000"}, "",
                    r -> assertTrue(r.results().stream().anyMatch(REFUSED), r::toString)),
            new Case("a connect timeout", new String[] {"connect-timeout", "10.200.0.2", "80"}, VETH,
                    r -> assertTrue(r.results().stream().anyMatch(TIMED_OUT), r::toString)));

    @TestFactory
    List<DynamicNode> noReportAndNoExceptionFromTheAgent() {
        List<DynamicNode> nodes = new ArrayList<>();
        for (Jdk jdk : ChildJvm.jdks()) {
            List<DynamicNode> tests = new ArrayList<>();
            for (Case c : CASES) {
                boolean lacks = !jdk.atLeast(c.since());
                String name = jdk + ": " + c.name() + (!lacks ? "" : c.everyApi()
                        ? " (but java.net.http: none before Java " + c.since() + ")"
                        : ": no " + c.feature() + " before Java " + c.since());
                tests.add(DynamicTest.dynamicTest(name, () -> {
                    ChildJvm jvm = ChildJvm.on(jdk);
                    c.jvmOptions().forEach(jvm::jvmOption);
                    Result result = jvm
                            .agent("mode=throw")
                            .portRange("40000 40999")
                            .namespaceSetup(c.namespaceSetup())
                            .runScenario(c.arguments());
                    assertEquals(0, result.exitCode(), result::toString);
                    assertEquals(1, result.agentLines("INFO").size(), result::toString);
                    assertEquals(List.of(), result.warnings(), result::toString);
                    assertFalse(result.stderr().contains("ERROR"), result::toString);
                    assertFalse(result.stdout().contains("SelfConnectException"), result::toString);
                    if (lacks) {
                        assertTrue(result.hasResult("unavailable " + c.feature() + ": needs Java " + c.since()),
                                result::toString);
                    }
                    if (!lacks || c.everyApi()) {
                        c.expectations().accept(result);
                    }
                }));
            }
            nodes.add(DynamicContainer.dynamicContainer(jdk.name(), tests));
        }
        return nodes;
    }
}
