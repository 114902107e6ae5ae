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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Risk findings (mode=log, where they are on by default) for Netty's native servers and clients: a server channel bound
 * to an unreserved port of the ephemeral range is reported like a ServerSocket, a bind to port 0 is not.
 */
class RiskIT {

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (Jdk jdk : NettyJvm.jdks()) {
            for (Transport transport : NettyTransportsIT.TRANSPORTS) {
                all.add(Arguments.of(jdk, transport));
            }
        }
        return all.stream();
    }

    private static List<String> risks(Result result) {
        return result.stderr().lines().filter(l -> l.startsWith("[selfconnect] RISK ")).toList();
    }

    @ParameterizedTest(name = "{0}, {1}: a server on 40000 and a client connecting to it are reported")
    @MethodSource("cases")
    void serverInsideTheRange(Jdk jdk, Transport transport) {
        Result result = NettyJvm.run(jdk, "mode=log", NettyJvm.classPath(transport.nettyCopy()),
                "dev.selfconnect.netty.scenarios.NettyScenarios", transport.scenario(), "bootstrap", "server");
        NettyJvm.requireAvailable(result);
        List<String> risks = risks(result);
        assertEquals(2, risks.size(), result::toString);
        assertTrue(risks.stream().anyMatch(l -> l.startsWith("[selfconnect] RISK " + transport.api()
                + " server listens on 127.0.0.1:40000 ")), result::toString);
        assertTrue(risks.stream().anyMatch(l -> l.startsWith("[selfconnect] RISK connect to 127.0.0.1:40000 via "
                + transport.api() + " on thread")), result::toString);
        assertEquals(List.of(), result.warnings(), result::toString);
        assertEquals(List.of(), result.errors(), result::toString);
    }

    @ParameterizedTest(name = "{0}, {1}: a server bound to port 0 is not a finding")
    @MethodSource("cases")
    void serverOnPortZero(Jdk jdk, Transport transport) {
        Result result = NettyJvm.run(jdk, "mode=log", NettyJvm.classPath(transport.nettyCopy()),
                "dev.selfconnect.netty.scenarios.NettyScenarios", transport.scenario(), "bootstrap", "server0");
        NettyJvm.requireAvailable(result);
        assertTrue(result.has("connected local=127.0.0.1:"), result::toString);
        assertTrue(risks(result).stream().noneMatch(l -> l.contains(" listens on ")), result::toString);
        assertEquals(List.of(), result.warnings(), result::toString);
        assertEquals(List.of(), result.errors(), result::toString);
    }
}
