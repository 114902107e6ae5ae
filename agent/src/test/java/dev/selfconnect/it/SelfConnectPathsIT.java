package dev.selfconnect.it;

import dev.selfconnect.it.ChildJvm.Jdk;
import dev.selfconnect.it.ChildJvm.Result;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every JDK path that completes a TCP connect, made to self-connect for real (a one-port ephemeral range in a
 * private network namespace), in a fresh JVM with the packaged agent, on each JDK, in log and throw mode.
 */
class SelfConnectPathsIT {

    private static final String VETH = "ip link add sc0 type veth peer name sc1 && ip addr add 10.200.0.1/24 dev sc0"
            + " && ip link set sc0 up && ip link set sc1 up";

    /**
     * A connect path: the scenario that drives it, the API the agent reports, where it connects, whether the
     * application can print the addresses it got, whether the connect completes on the application's thread
     * (so the report shows the application's frames) or on a JDK thread, and the Java version that brought the API
     * it needs (with that API's name).
     */
    record Path(String scenario, String api, String host, String endpoint, String namespaceSetup,
                boolean appSeesAddresses, boolean onAppThread, int since, String feature) {
        static Path loopback(String scenario, String api, boolean appSeesAddresses, boolean onAppThread) {
            return new Path(scenario, api, "127.0.0.1", "127.0.0.1:40000", "", appSeesAddresses, onAppThread, 8, "");
        }

        Path since(int version, String feature) {
            return new Path(scenario, api, host, endpoint, namespaceSetup, appSeesAddresses, onAppThread, version,
                    feature);
        }

        String name() {
            return scenario + (host.equals("127.0.0.1") ? "" : " to " + host);
        }
    }

    static final List<Path> PATHS = List.of(
            Path.loopback("socket-connect", "Socket", true, true),
            Path.loopback("socket-connect-timeout", "Socket", true, true),
            Path.loopback("socket-constructor", "Socket", true, true),
            Path.loopback("socket-constructor-inetaddress", "Socket", true, true),
            Path.loopback("http-url-connection", "Socket", false, true),
            Path.loopback("channel-blocking", "SocketChannel", true, true),
            Path.loopback("channel-open-address", "SocketChannel", true, true),
            Path.loopback("channel-nonblocking", "SocketChannel", true, true),
            Path.loopback("channel-nonblocking-selector-idle", "SocketChannel", true, true),
            Path.loopback("channel-adaptor", "SocketChannel", true, true),
            Path.loopback("async-future", "AsynchronousSocketChannel", true, false),
            Path.loopback("async-handler", "AsynchronousSocketChannel", true, false),
            Path.loopback("http-client", "SocketChannel", false, false).since(11, "java.net.http"),
            Path.loopback("virtual-thread-socket", "Socket", true, true).since(21, "virtual threads"),
            Path.loopback("virtual-thread-channel", "SocketChannel", true, true).since(21, "virtual threads"),
            new Path("socket-connect", "Socket", "::1", "[::1]:40000", "", true, true, 8, ""),
            new Path("channel-blocking", "SocketChannel", "::1", "[::1]:40000", "", true, true, 8, ""),
            new Path("socket-connect", "Socket", "10.200.0.1", "10.200.0.1:40000", VETH, true, true, 8, ""),
            new Path("async-future", "AsynchronousSocketChannel", "10.200.0.1", "10.200.0.1:40000", VETH, true,
                    false, 8, ""));

    /**
     * Throw mode (detected, rejected, port free) runs for every path on every JDK; log mode (the record's wording and
     * frames) for every path on 17 and 25, and for one path of each API on the other JDKs.
     */
    private static final List<String> LOG_MODE_ON_EVERY_JDK = List.of("socket-connect", "channel-blocking",
            "async-future");

    @TestFactory
    List<DynamicNode> everyPathOnEveryJdk() {
        List<DynamicNode> nodes = new ArrayList<>();
        for (Jdk jdk : ChildJvm.jdks()) {
            List<DynamicNode> tests = new ArrayList<>();
            for (Path path : PATHS) {
                if (!jdk.atLeast(path.since())) {
                    tests.add(DynamicTest.dynamicTest(jdk + ": " + path.name() + ": no " + path.feature()
                            + " before Java " + path.since(), () -> notOnThisJdk(jdk, path)));
                    continue;
                }
                if (jdk.feature() == 17 || jdk.feature() == 25 || LOG_MODE_ON_EVERY_JDK.contains(path.scenario())) {
                    tests.add(DynamicTest.dynamicTest(jdk + ": " + path.name() + " (log)", () -> logMode(jdk, path)));
                }
                tests.add(DynamicTest.dynamicTest(jdk + ": " + path.name() + " (throw)", () -> throwMode(jdk, path)));
            }
            nodes.add(DynamicContainer.dynamicContainer(jdk.name(), tests));
        }
        return nodes;
    }

    /** Where the JDK lacks the API, the scenario says so and the agent, loaded all the same, reports nothing. */
    private static void notOnThisJdk(Jdk jdk, Path path) {
        Result result = run(jdk, path, "throw");
        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(result.hasResult("unavailable " + path.feature() + ": needs Java " + path.since()),
                result::toString);
        assertEquals(List.of(), result.warnings(), result::toString);
        assertEquals(List.of(), result.agentLines("ERROR"), result::toString);
    }

    private static Result run(Jdk jdk, Path path, String mode) {
        return ChildJvm.on(jdk)
                .agent("mode=" + mode)
                .namespaceSetup(path.namespaceSetup())
                .runScenario(path.scenario(), path.host(), "40000");
    }

    private static void logMode(Jdk jdk, Path path) {
        Result result = run(jdk, path, "log");
        String selfConnection = "self-connection " + path.endpoint() + " -> " + path.endpoint();
        assertEquals(0, result.exitCode(), result::toString);
        List<String> warnings = result.warnings();
        assertEquals(1, warnings.size(), result::toString);
        assertTrue(warnings.get(0).contains(selfConnection + " via " + path.api() + " on thread \""),
                result::toString);
        assertTrue(warnings.get(0).endsWith("the connection was left open (mode=log)"), result::toString);
        if (path.onAppThread()) {
            assertTrue(result.stderr().contains("\n\tat dev.selfconnect.scenarios.ConnectScenarios."),
                    result::toString);
            assertFalse(result.stderr().contains("\tat dev.selfconnect.instrumentation."), result::toString);
            assertFalse(result.stderr().contains("\tat java."), result::toString);
        }
        if (path.scenario().startsWith("virtual-thread")) {
            assertTrue(result.hasResult("on thread VirtualThread["), result::toString);
        }
        if (path.appSeesAddresses()) {
            assertTrue(result.hasResult("connected local=" + path.endpoint() + " remote=" + path.endpoint()),
                    result::toString);
        }
        assertFalse(result.stdout().contains("SelfConnectException"), result::toString);
    }

    private static void throwMode(Jdk jdk, Path path) {
        Result result = run(jdk, path, "throw");
        String selfConnection = "self-connection " + path.endpoint() + " -> " + path.endpoint();
        assertEquals(0, result.exitCode(), result::toString);
        List<String> warnings = result.warnings();
        if (path.scenario().equals("http-client")) {
            // HttpClient may retry a refused connect once on its own (whether it does depends on its timing), and
            // the retry self-connects again: one record per connect attempt.
            assertTrue(warnings.size() == 1 || warnings.size() == 2, result::toString);
        } else {
            assertEquals(1, warnings.size(), result::toString);
        }
        for (String warning : warnings) {
            assertTrue(warning.contains(selfConnection + " via " + path.api() + " on thread \""), result::toString);
            assertTrue(warning.endsWith("reset the connection and threw SelfConnectException (mode=throw)"),
                    result::toString);
        }
        if (path.scenario().equals("http-client")) {
            // HttpClient wraps the failure, exactly as it wraps a plain "connection refused".
            assertTrue(result.hasResult("exception java.net.ConnectException"), result::toString);
        } else {
            assertTrue(result.hasResult("exception dev.selfconnect.SelfConnectException: Connection refused: "
                    + selfConnection + "; nothing listens on 40000, which lies in the ephemeral port range "
                    + "40000-40000; reserve it with 'sysctl -w net.ipv4.ip_local_reserved_ports=40000' (persist it in"
                    + " /etc/sysctl.d), or move it out of 40000-40000"), result::toString);
        }
        if (path.scenario().startsWith("virtual-thread")) {
            assertTrue(result.hasResult("on thread VirtualThread["), result::toString);
        }
        assertFalse(result.hasResult("connected local="), result::toString);
        if (path.scenario().equals("channel-nonblocking-selector-idle")) {
            assertTrue(result.hasResult("rebind with the selector open and idle ok"),
                    "the port must be free while the selector is open and idle\n" + result);
        }
        assertTrue(result.hasResult("rebind ok"), "the port must be free for the real server\n" + result);
    }
}
