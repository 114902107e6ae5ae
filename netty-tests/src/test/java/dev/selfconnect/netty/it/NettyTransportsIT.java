package dev.selfconnect.netty.it;

import dev.selfconnect.netty.it.NettyJvm.Jdk;
import dev.selfconnect.netty.it.NettyJvm.Result;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each Netty native transport, in log and throw mode, through Bootstrap and a raw channel.connect. */
class NettyTransportsIT {

    private static final String SCENARIOS = "dev.selfconnect.netty.scenarios.NettyScenarios";
    static final String SELF = "127.0.0.1:40000 -> 127.0.0.1:40000";

    /** A transport as the scenarios name it, the Netty copy it runs on, and the API name the report gives it. */
    record Transport(String scenario, String nettyCopy, String api) {
        @Override
        public String toString() {
            return scenario + " on " + nettyCopy;
        }
    }

    static final List<Transport> TRANSPORTS = List.of(
            new Transport("epoll", "netty42", "Netty epoll"),
            new Transport("epoll-legacy", "netty42", "Netty epoll"),
            new Transport("io_uring", "netty42", "Netty io_uring"),
            new Transport("epoll-legacy", "netty41", "Netty epoll"),
            new Transport("io_uring-incubator", "netty41", "Netty io_uring"));

    static Stream<Arguments> transports() {
        List<Arguments> all = new ArrayList<>();
        for (Jdk jdk : NettyJvm.jdks()) {
            for (Transport transport : TRANSPORTS) {
                for (String how : List.of("bootstrap", "raw")) {
                    all.add(Arguments.of(jdk, transport, how));
                }
            }
        }
        return all.stream();
    }

    static Result scenario(Jdk jdk, String agent, Transport transport, String how, String target) {
        Result result = NettyJvm.run(jdk, agent, NettyJvm.classPath(transport.nettyCopy()), SCENARIOS,
                transport.scenario(), how, target);
        NettyJvm.requireAvailable(result);
        return result;
    }

    @ParameterizedTest(name = "{0}, {1}, {2}: without the agent the connect self-connects")
    @MethodSource("transports")
    void withoutTheAgentItSelfConnects(Jdk jdk, Transport transport, String how) {
        Result result = scenario(jdk, null, transport, how, "self");
        assertTrue(result.has("connected local=127.0.0.1:40000 remote=127.0.0.1:40000"), result::toString);
        assertTrue(result.has("channelActive=true"), result::toString);
    }

    @ParameterizedTest(name = "{0}, {1}, {2}: mode=log reports and leaves the connection")
    @MethodSource("transports")
    void logMode(Jdk jdk, Transport transport, String how) {
        Result result = scenario(jdk, "mode=log", transport, how, "self");
        assertEquals(1, result.warnings().size(), result::toString);
        String warning = result.warnings().get(0);
        assertTrue(warning.contains("self-connection " + SELF + " via " + transport.api() + " on thread"),
                result::toString);
        assertTrue(warning.endsWith("the connection was left open (mode=log)"), result::toString);
        assertTrue(result.has("connected local=127.0.0.1:40000 remote=127.0.0.1:40000"), result::toString);
        assertTrue(result.has("channelActive=true"), result::toString);
        assertEquals(List.of(), result.errors(), result::toString);
        assertEquals(0, result.exitCode(), result::toString);
    }

    @ParameterizedTest(name = "{0}, {1}, {2}: mode=throw fails the connect, closes the channel, frees the port")
    @MethodSource("transports")
    void throwMode(Jdk jdk, Transport transport, String how) {
        Result result = scenario(jdk, "mode=throw", transport, how, "self");
        assertEquals(1, result.warnings().size(), result::toString);
        String warning = result.warnings().get(0);
        assertTrue(warning.contains("self-connection " + SELF + " via " + transport.api() + " on thread"),
                result::toString);
        assertTrue(warning.endsWith("reset the connection and threw SelfConnectException (mode=throw)"),
                result::toString);
        assertTrue(result.has("failed dev.selfconnect.SelfConnectException: Connection refused: self-connection "
                + SELF), result::toString);
        assertTrue(result.has("channelActive=false"), result::toString);
        assertTrue(result.has("closed=true"), result::toString);
        assertTrue(result.has("port free"), result::toString);
        assertEquals(List.of(), result.errors(), result::toString);
        assertEquals(0, result.exitCode(), result::toString);
    }
}
