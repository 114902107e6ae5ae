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
 * Connects that are not self-connections pass untouched, in mode=throw (where a false positive would break them):
 * to a real server of the same transport, a refused connect, a connect timeout, a Unix domain socket.
 */
class NoFalsePositiveIT {

    /** A veth whose peer has no address, and a permanent neighbour entry: SYNs to 10.77.0.2 go out, nothing answers. */
    private static final String SILENT_PEER = "ip link add veth0 type veth peer name veth1"
            + " && ip addr add 10.77.0.1/24 dev veth0 && ip link set veth0 up && ip link set veth1 up"
            + " && ip neigh add 10.77.0.2 lladdr 02:00:00:00:00:02 dev veth0 nud permanent";

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (Jdk jdk : NettyJvm.jdks()) {
            for (Transport transport : NettyTransportsIT.TRANSPORTS) {
                for (String target : List.of("server", "refused", "timeout")) {
                    all.add(Arguments.of(jdk, transport, target));
                }
                if (!transport.scenario().equals("io_uring-incubator")) {
                    all.add(Arguments.of(jdk, transport, "domain"));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}, {1}, {2}: mode=throw leaves it alone")
    @MethodSource("cases")
    void notASelfConnection(Jdk jdk, Transport transport, String target) {
        Result result = NettyJvm.runWithSetup(jdk, target.equals("timeout") ? SILENT_PEER : "", "mode=throw",
                NettyJvm.classPath(transport.nettyCopy()), "dev.selfconnect.netty.scenarios.NettyScenarios",
                transport.scenario(), "bootstrap", target);
        NettyJvm.requireAvailable(result);
        assertEquals(List.of(), result.warnings(), result::toString);
        assertEquals(List.of(), result.errors(), result::toString);
        assertFalse(result.stdout().contains("SelfConnectException"), result::toString);
        switch (target) {
            case "server" -> {
                assertTrue(result.has("connected local=127.0.0.1:40001 remote=127.0.0.1:40000"), result::toString);
                assertTrue(result.has("channelActive=true"), result::toString);
            }
            case "refused" -> assertTrue(result.results().stream().anyMatch(l -> l.startsWith("RESULT failed")
                    && l.contains("onnection refused")), result::toString);
            case "timeout" -> assertTrue(result.has("failed io.netty.channel.ConnectTimeoutException"),
                    result::toString);
            case "domain" -> assertTrue(result.has("connected domain"), result::toString);
            default -> throw new IllegalArgumentException(target);
        }
        assertEquals(0, result.exitCode(), result::toString);
    }
}
