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

    record Case(String name, String[] arguments, String namespaceSetup, List<String> jvmOptions,
                Consumer<Result> expectations) {
        Case(String name, String[] arguments, String namespaceSetup, Consumer<Result> expectations) {
            this(name, arguments, namespaceSetup, List.of(), expectations);
        }
    }

    private static final Consumer<Result> EVERY_API_CONNECTED = r -> {
        assertEquals(10, r.results().stream().filter(l -> l.startsWith("RESULT scenario ")).count(), r::toString);
        assertEquals(10, r.results().stream()
                .filter(l -> l.contains("connected local=") && l.endsWith(" remote=127.0.0.1:5555")
                        || l.startsWith("RESULT http-client ")).count(), r::toString);
        assertFalse(r.hasResult("exception"), r::toString);
    };

    static final List<Case> CASES = List.of(
            new Case("every API to a listening server", new String[] {"listening-server-all-apis"}, "",
                    EVERY_API_CONNECTED),
            // The JVM does not verify the JDK's own classes unless told to: the woven ones must pass all the same.
            new Case("every API, with the woven JDK classes checked by the verifier",
                    new String[] {"listening-server-all-apis"}, "", List.of("-Xverify:all"), EVERY_API_CONNECTED),
            new Case("a client bound to its own local port", new String[] {"bound-client"}, "", r -> {
                assertTrue(r.hasResult("connected local=127.0.0.1:6001 remote=127.0.0.1:5555"), r::toString);
                assertTrue(r.results().contains("RESULT exception java.net.ConnectException: Connection refused"),
                        r::toString);
            }),
            new Case("a Unix domain socket channel", new String[] {"unix-domain"}, "",
                    r -> assertTrue(r.hasResult("unix connected "), r::toString)),
            new Case("an SSL socket", new String[] {"ssl-socket"}, "",
                    r -> assertTrue(r.hasResult("connected local=127.0.0.1:40"), r::toString)),
            new Case("a Socket through a SOCKS proxy", new String[] {"socks-proxy"}, "",
                    r -> assertTrue(r.hasResult("socks connected remote=127.0.0.1:5555"), r::toString)),
            new Case("a refused connect", new String[] {"socket-connect", "127.0.0.1", "7000"}, "",
                    r -> assertTrue(r.results().contains("RESULT exception java.net.ConnectException: "
                            + "Connection refused"), r::toString)),
            new Case("a refused channel connect", new String[] {"channel-blocking", "127.0.0.1", "7000"}, "",
                    r -> assertTrue(r.results().contains("RESULT exception java.net.ConnectException: "
                            + "Connection refused"), r::toString)),
            new Case("a connect timeout", new String[] {"connect-timeout", "10.200.0.2", "80"}, VETH,
                    r -> assertTrue(r.results().contains("RESULT exception java.net.SocketTimeoutException: "
                            + "Connect timed out"), r::toString)));

    @TestFactory
    List<DynamicNode> noReportAndNoExceptionFromTheAgent() {
        List<DynamicNode> nodes = new ArrayList<>();
        for (Jdk jdk : ChildJvm.jdks()) {
            List<DynamicNode> tests = new ArrayList<>();
            for (Case c : CASES) {
                tests.add(DynamicTest.dynamicTest(jdk + ": " + c.name(), () -> {
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
                    c.expectations().accept(result);
                }));
            }
            nodes.add(DynamicContainer.dynamicContainer(jdk.name(), tests));
        }
        return nodes;
    }
}
