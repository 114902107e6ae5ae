package dev.selfconnect.netty.it;

import dev.selfconnect.netty.it.NettyJvm.Jdk;
import dev.selfconnect.netty.it.NettyJvm.Result;
import dev.selfconnect.netty.it.NettyTransportsIT.Transport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * JDK 8, 11 and 21: a representative subset of the matrix that JDK 17 and 25 run in full (the checks themselves do
 * not depend on the JDK; how the agent meets Netty does). Each Netty application first waits until the agent's
 * startup is over, so that its Netty loads late: only the JDK's native-library loading (ClassLoader.loadLibrary0 on
 * JDK 8 to 14, NativeLibraries from 15 on) can tell the agent about it. JDK 21 meets Netty as 17 and 25 do: it runs
 * fewer cases.
 */
class OtherJdksIT {

    private static final String SCENARIOS = "dev.selfconnect.netty.scenarios.NettyScenarios";
    private static final Transport EPOLL_42 = NettyTransportsIT.TRANSPORTS.get(0);
    private static final Transport EPOLL_41 = NettyTransportsIT.TRANSPORTS.get(3);
    private static final Transport IO_URING_42 = NettyTransportsIT.TRANSPORTS.get(2);
    private static final Transport IO_URING_INCUBATOR = NettyTransportsIT.TRANSPORTS.get(4);

    static List<Jdk> jdks() {
        return NettyJvm.otherJdks();
    }

    static List<Jdk> before15() {
        return jdks().stream().filter(jdk -> !jdk.name().equals("JDK 21")).toList();
    }

    /** Netty 4.2's io_uring classes need Java 9 (class file version 53); the incubator's run on Java 8. */
    static Stream<Arguments> throwCases() {
        List<Arguments> all = new ArrayList<>();
        for (Jdk jdk : jdks()) {
            all.add(Arguments.of(jdk, EPOLL_42, "raw"));
            if (!jdk.name().equals("JDK 21")) {
                all.add(Arguments.of(jdk, EPOLL_41, "bootstrap"));
            }
            all.add(Arguments.of(jdk, jdk.name().equals("JDK 8") ? IO_URING_INCUBATOR : IO_URING_42, "bootstrap"));
        }
        return all.stream();
    }

    private static Result late(Jdk jdk, String agent, Transport transport, String how, String target) {
        Result result = NettyJvm.run(jdk, agent, NettyJvm.classPath(transport.nettyCopy()), SCENARIOS,
                transport.scenario(), how, target, "late");
        NettyJvm.requireAvailable(result);
        assertFalse(result.has("late: selfconnect-weaver alive"), result::toString);
        return result;
    }

    @ParameterizedTest(name = "{0}, epoll on netty42, bootstrap, loaded late: mode=log reports and leaves it")
    @MethodSource("before15")
    void logMode(Jdk jdk) {
        Result result = late(jdk, "mode=log", EPOLL_42, "bootstrap", "self");
        assertEquals(1, result.warnings().size(), result::toString);
        assertTrue(result.warnings().get(0).contains("self-connection " + NettyTransportsIT.SELF
                + " via Netty epoll on thread"), result::toString);
        assertTrue(result.has("connected local=127.0.0.1:40000 remote=127.0.0.1:40000"), result::toString);
        assertTrue(result.has("channelActive=true"), result::toString);
        assertEquals(List.of(), result.errors(), result::toString);
    }

    @ParameterizedTest(name = "{0}, {1}, {2}, loaded late: mode=throw fails the connect and frees the port")
    @MethodSource("throwCases")
    void throwMode(Jdk jdk, Transport transport, String how) {
        Result result = late(jdk, "mode=throw", transport, how, "self");
        assertEquals(1, result.warnings().size(), result::toString);
        assertTrue(result.warnings().get(0).contains("self-connection " + NettyTransportsIT.SELF + " via "
                + transport.api() + " on thread"), result::toString);
        assertTrue(result.has("failed dev.selfconnect.SelfConnectException: Connection refused: self-connection "
                + NettyTransportsIT.SELF), result::toString);
        assertTrue(result.has("channelActive=false"), result::toString);
        assertTrue(result.has("closed=true"), result::toString);
        assertTrue(result.has("port free"), result::toString);
        assertEquals(List.of(), result.errors(), result::toString);
        assertEquals(0, result.exitCode(), result::toString);
    }

    @ParameterizedTest(name = "{0}: gRPC over its relocated epoll, loaded late: mode=throw gives UNAVAILABLE")
    @MethodSource("jdks")
    void relocatedGrpc(Jdk jdk) {
        Result result = NettyJvm.run(jdk, "mode=throw", NettyJvm.grpcClassPath(),
                "dev.selfconnect.netty.scenarios.GrpcScenario", "late");
        assertFalse(result.has("late: selfconnect-weaver alive"), result::toString);
        assertTrue(result.has("epoll available=true"), result::toString);
        assertTrue(result.warnings().size() >= 1, result::toString);
        assertTrue(result.warnings().get(0).contains("self-connection " + NettyTransportsIT.SELF
                + " via Netty epoll on thread"), result::toString);
        assertTrue(result.has("status=UNAVAILABLE"), result::toString);
        assertEquals(List.of(), result.errors(), result::toString);
    }
}
