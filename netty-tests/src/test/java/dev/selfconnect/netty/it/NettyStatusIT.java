package dev.selfconnect.netty.it;

import dev.selfconnect.netty.it.NettyJvm.Jdk;
import dev.selfconnect.netty.it.NettyJvm.Result;
import dev.selfconnect.testsupport.ChildProcess;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code selfconnect.jar status PID} names the protection of each Netty copy the agent hooked, as it names the JDK's
 * families: a JVM started with the agent loads Netty's epoll transport (plain, or relocated inside gRPC), and the
 * status, asked from outside, says which copy's epoll connects are checked.
 */
class NettyStatusIT {

    private static final String JDK_FAMILIES = "protection: protects Socket, SocketChannel, AsynchronousSocketChannel";
    /** How long the status may take to show what the agent hooked: its marker is rewritten once a second. */
    private static final long STATUS_WAIT_MILLIS = 15_000;

    static List<Jdk> jdks() {
        return NettyJvm.jdks();
    }

    @ParameterizedTest(name = "{0}: with Netty's epoll transport loaded, status names its protection")
    @MethodSource("jdks")
    void statusNamesNettysEpoll(Jdk jdk) throws Exception {
        String protection = protectionOnceHooked(jdk, NettyJvm.classPath("netty42"),
                List.of("dev.selfconnect.netty.scenarios.NettyScenarios", "epoll", "bootstrap", "wait"));

        assertNamed(JDK_FAMILIES + ", Netty epoll (io.netty)", protection);
    }

    @ParameterizedTest(name = "{0}: with gRPC's relocated Netty loaded, status names that copy's epoll")
    @MethodSource("jdks")
    void statusNamesARelocatedCopy(Jdk jdk) throws Exception {
        String protection = protectionOnceHooked(jdk, NettyJvm.grpcClassPath(),
                List.of("dev.selfconnect.netty.scenarios.GrpcScenario", "wait"));

        assertNamed(JDK_FAMILIES + ", Netty epoll (io.grpc.netty.shaded)", protection);
    }

    /** The families, then at most the note that the agent's own classes are still loading. */
    private static void assertNamed(String families, String protection) {
        assertTrue(protection.equals(families) || protection.startsWith(families + " (the agent's own classes"),
                protection);
    }

    /** The status's protection line once it names Netty (or after the wait, whatever it says then). */
    private static String protectionOnceHooked(Jdk jdk, String classPath, List<String> main) throws Exception {
        List<String> java = new ArrayList<>(List.of("-javaagent:" + NettyJvm.AGENT_JAR + "=mode=throw", "-cp",
                classPath));
        java.addAll(main);
        Process process = new ProcessBuilder(NettyJvm.inNamespace(jdk, java)).start();
        StringBuffer stderr = new StringBuffer();
        BlockingQueue<String> stdout = ChildProcess.lines(process.getInputStream());
        ChildProcess.collect(process.getErrorStream(), stderr);
        Writer stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        try {
            String ready = null;
            List<String> before = new ArrayList<>();
            for (String line; (line = stdout.poll(60, TimeUnit.SECONDS)) != null; ) {
                if (line.startsWith("RESULT unavailable")) {
                    NettyJvm.requireAvailable(new Result(List.of(), 0, line, ""));
                }
                if (line.startsWith("READY pid=")) {
                    ready = line;
                    break;
                }
                before.add(line);
            }
            String started = ready;
            assertTrue(started != null, () -> before + "\n" + stderr);
            String pid = started.substring("READY pid=".length()).split(" ")[0];
            String protection = null;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STATUS_WAIT_MILLIS);
            while (System.nanoTime() < deadline) {
                Result status = NettyJvm.run(new ProcessBuilder(jdk.java().toString(), "-jar",
                        NettyJvm.AGENT_JAR.toString(), "status", pid));
                assertEquals(0, status.exitCode(), status::toString);
                protection = status.stdout().lines().filter(l -> l.startsWith("protection: ")).findFirst()
                        .orElseGet(() -> fail("no protection line in " + status));
                if (protection.contains("Netty")) {
                    break;
                }
                Thread.sleep(500);
            }
            stdin.write("quit\n");
            stdin.flush();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), stderr::toString);
            assertTrue(stderr.toString().lines().noneMatch(l -> l.startsWith("[selfconnect] ERROR")),
                    stderr::toString);
            return protection;
        } finally {
            process.destroyForcibly();
        }
    }
}
