package dev.selfconnect.netty.it;

import dev.selfconnect.netty.it.NettyJvm.Jdk;
import dev.selfconnect.netty.it.NettyJvm.Result;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A relocated Netty (grpc-netty-shaded, driving a real gRPC call) and two Netty copies in two class loaders. */
class RelocatedAndCopiesIT {

    static List<Jdk> jdks() {
        return NettyJvm.jdks();
    }

    private static Result grpc(Jdk jdk, String agent) {
        return NettyJvm.run(jdk, agent, NettyJvm.grpcClassPath(), "dev.selfconnect.netty.scenarios.GrpcScenario");
    }

    @ParameterizedTest(name = "{0}: without the agent, gRPC over its shaded epoll talks to itself")
    @MethodSource("jdks")
    void grpcWithoutTheAgent(Jdk jdk) {
        Result result = grpc(jdk, null);
        assertTrue(result.has("epoll available=true"), result::toString);
        // The self-connected client reads its own HTTP/2 preface back; gRPC does not call that UNAVAILABLE.
        assertTrue(result.has("status=") && !result.has("status=UNAVAILABLE"), result::toString);
    }

    @ParameterizedTest(name = "{0}: gRPC, mode=log reports the shaded epoll connect")
    @MethodSource("jdks")
    void grpcLogMode(Jdk jdk) {
        Result result = grpc(jdk, "mode=log");
        assertTrue(result.has("epoll available=true"), result::toString);
        assertTrue(result.warnings().size() >= 1, result::toString);
        assertTrue(result.warnings().get(0).contains("self-connection " + NettyTransportsIT.SELF
                + " via Netty epoll on thread"), result::toString);
        assertTrue(result.warnings().get(0).endsWith("the connection was left open (mode=log)"), result::toString);
        assertEquals(List.of(), result.errors(), result::toString);
    }

    @ParameterizedTest(name = "{0}: gRPC, mode=throw turns the self-connection into UNAVAILABLE")
    @MethodSource("jdks")
    void grpcThrowMode(Jdk jdk) {
        Result result = grpc(jdk, "mode=throw");
        assertTrue(result.has("epoll available=true"), result::toString);
        assertTrue(result.warnings().size() >= 1, result::toString);
        for (String warning : result.warnings()) {
            assertTrue(warning.contains("self-connection " + NettyTransportsIT.SELF + " via Netty epoll on thread"),
                    result::toString);
            assertTrue(warning.endsWith("reset the connection and threw SelfConnectException (mode=throw)"),
                    result::toString);
        }
        assertTrue(result.has("status=UNAVAILABLE"), result::toString);
        assertTrue(result.stdout().contains("dev.selfconnect.SelfConnectException"), result::toString);
        assertEquals(List.of(), result.errors(), result::toString);
    }

    @ParameterizedTest(name = "{0}: Netty 4.2 and 4.1 in two class loaders, mode=throw, each copy is checked")
    @MethodSource("jdks")
    void twoCopiesInTwoClassLoaders(Jdk jdk) {
        Result result = NettyJvm.run(jdk, "mode=throw", NettyJvm.TEST_CLASSES.toString(),
                "dev.selfconnect.netty.scenarios.TwoCopies",
                NettyJvm.classPath("netty42"), "epoll,bootstrap,self",
                NettyJvm.classPath("netty41"), "epoll-legacy,raw,self");
        assertTrue(result.has("copy 1 netty-transport-4.2.18.Final.jar"), result::toString);
        assertTrue(result.has("copy 2 netty-transport-4.1.137.Final.jar"), result::toString);
        // The second self-connection to the same endpoint is folded into the first record (the report interval).
        assertEquals(1, result.warnings().size(), result::toString);
        assertTrue(result.stderr().contains("[selfconnect] SUMMARY 2 self-connection(s)"), result::toString);
        assertEquals(2, result.results().stream().filter(l -> l.startsWith(
                "RESULT failed dev.selfconnect.SelfConnectException")).count(), result::toString);
        assertEquals(2, result.results().stream().filter(l -> l.startsWith("RESULT port free")).count(),
                result::toString);
        assertEquals(List.of(), result.errors(), result::toString);
        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(!NettyJvm.TEST_CLASSES.toString().contains(File.pathSeparator));
    }
}
