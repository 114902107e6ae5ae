package dev.selfconnect.bench.jmh;

import dev.selfconnect.bench.ConnectPath;
import dev.selfconnect.bench.LoopbackServer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;

/**
 * One connect+close to a loopback server per operation, for each connect path. The agent is not chosen here: the
 * suite ({@link dev.selfconnect.bench.Suite}) forks this benchmark with and without
 * {@code -javaagent:selfconnect.jar}, or run it by hand with {@code -jvmArgsAppend -javaagent:...}.
 *
 * <p>With {@code -Dbench.agentClass=PREMAIN_CLASS -Dbench.agentExpected=true|false} the setup fails when the fork
 * did not get the agent it was meant to have.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ConnectBenchmark {

    @Param({"SOCKET", "CHANNEL_BLOCKING", "CHANNEL_NONBLOCKING", "ASYNC"})
    public ConnectPath path;

    /** The server's port: "fixed" (below the ephemeral range) or "ephemeral"; see {@link LoopbackServer}. */
    @Param({LoopbackServer.FIXED, LoopbackServer.EPHEMERAL})
    public String server;

    private LoopbackServer loopbackServer;
    private InetSocketAddress address;
    private Selector selector;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        checkAgent();
        loopbackServer = new LoopbackServer(server);
        address = loopbackServer.address();
        selector = Selector.open();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        selector.close();
        loopbackServer.close();
    }

    @Benchmark
    public void connectClose() throws IOException {
        path.connectAndClose(address, selector);
    }

    /** Fails the trial when the fork lacks the agent it should have, or has the one it should not. */
    static void checkAgent() {
        String agentClass = System.getProperty("bench.agentClass");
        if (agentClass == null) {
            return;
        }
        boolean expected = Boolean.getBoolean("bench.agentExpected");
        boolean present;
        try {
            Class.forName(agentClass, false, ClassLoader.getSystemClassLoader());
            present = true;
        } catch (ClassNotFoundException e) {
            present = false;
        }
        if (present != expected) {
            throw new IllegalStateException("this fork should run " + (expected ? "with" : "without")
                    + " the agent, but " + agentClass + " is " + (present ? "" : "not ") + "on its class path");
        }
    }
}
