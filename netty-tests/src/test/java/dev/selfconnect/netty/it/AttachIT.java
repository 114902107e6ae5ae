package dev.selfconnect.netty.it;

import dev.selfconnect.netty.it.NettyJvm.Jdk;
import dev.selfconnect.netty.it.NettyJvm.Result;
import dev.selfconnect.netty.it.NettyTransportsIT.Transport;
import dev.selfconnect.testsupport.ChildProcess;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Attach into a JVM whose Netty transport is loaded and has connected already (its unsafe class is loaded, so it can
 * only be woven by retransformation): protected from then on; detach: back to unprotected (the hook stays, inert);
 * attached again: protected again, with the hook reused.
 */
class AttachIT {

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (Jdk jdk : NettyJvm.jdks()) {
            for (Transport transport : NettyTransportsIT.TRANSPORTS) {
                if (transport.scenario().equals("epoll") || transport.scenario().equals("io_uring-incubator")) {
                    all.add(Arguments.of(jdk, transport));
                }
            }
        }
        // On JDK 8 to 14 the attach also weaves (and the detach restores) java.lang.ClassLoader's library loading.
        for (Jdk jdk : NettyJvm.otherJdks()) {
            if (!jdk.name().equals("JDK 21")) {
                all.add(Arguments.of(jdk, NettyTransportsIT.TRANSPORTS.get(0)));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}, {1}: attach mode=throw protects, detach undoes it, attach again protects again")
    @MethodSource("cases")
    void attachDetachAttach(Jdk jdk, Transport transport) throws Exception {
        List<String> java = List.of("-cp", NettyJvm.classPath(transport.nettyCopy()),
                "dev.selfconnect.netty.scenarios.NettyScenarios", transport.scenario(), "bootstrap", "wait");
        Process process = new ProcessBuilder(NettyJvm.inNamespace(jdk, java)).start();
        StringBuffer stderr = new StringBuffer();
        BlockingQueue<String> stdout = ChildProcess.lines(process.getInputStream());
        Thread errors = ChildProcess.collect(process.getErrorStream(), stderr);
        Writer stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        try {
            String ready = stdout.poll(60, TimeUnit.SECONDS);
            if (ready != null && ready.startsWith("RESULT unavailable")) {
                NettyJvm.requireAvailable(new Result(List.of(), 0, ready, ""));
            }
            assertTrue(ready != null && ready.startsWith("READY pid="), () -> ready + "\n" + stderr);
            String pid = ready.substring("READY pid=".length()).split(" ")[0];

            List<String> before = connect(stdin, stdout, stderr);
            assertTrue(before.contains("RESULT connected local=127.0.0.1:40000 remote=127.0.0.1:40000"),
                    () -> before + "\n" + stderr);

            Result attach = cli(jdk, "attach", pid, "mode=throw");
            assertEquals(0, attach.exitCode(), attach::toString);
            List<String> attached = connect(stdin, stdout, stderr);
            assertTrue(attached.stream().anyMatch(l -> l.startsWith(
                    "RESULT failed dev.selfconnect.SelfConnectException")), () -> attached + "\n" + stderr);
            assertTrue(attached.contains("RESULT channelActive=false"), () -> attached + "\n" + stderr);
            assertTrue(attached.stream().anyMatch(l -> l.startsWith("RESULT port free")), () -> attached + "\n" + stderr);

            Result detach = cli(jdk, "detach", pid);
            assertEquals(0, detach.exitCode(), detach::toString);
            List<String> detached = connect(stdin, stdout, stderr);
            assertTrue(detached.contains("RESULT connected local=127.0.0.1:40000 remote=127.0.0.1:40000"),
                    () -> detached + "\n" + stderr);

            Result again = cli(jdk, "attach", pid, "mode=throw");
            assertEquals(0, again.exitCode(), again::toString);
            List<String> reattached = connect(stdin, stdout, stderr);
            assertTrue(reattached.stream().anyMatch(l -> l.startsWith(
                    "RESULT failed dev.selfconnect.SelfConnectException")), () -> reattached + "\n" + stderr);

            stdin.write("quit\n");
            stdin.flush();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), stderr::toString);
            errors.join(10_000);
            List<String> warnings = stderr.toString().lines()
                    .filter(l -> l.startsWith("[selfconnect] WARN ")).toList();
            assertEquals(2, warnings.size(), stderr::toString);
            for (String warning : warnings) {
                assertTrue(warning.contains("via " + transport.api() + " on thread")
                        && warning.endsWith("(mode=throw)"), stderr::toString);
            }
            assertTrue(stderr.toString().lines().noneMatch(l -> l.startsWith("[selfconnect] ERROR")),
                    stderr::toString);
        } finally {
            process.destroyForcibly();
        }
    }

    private static List<String> connect(Writer stdin, BlockingQueue<String> stdout, StringBuffer stderr)
            throws IOException, InterruptedException {
        stdin.write("connect\n");
        stdin.flush();
        List<String> lines = new ArrayList<>();
        for (String line; (line = stdout.poll(60, TimeUnit.SECONDS)) != null; ) {
            if (line.equals("DONE")) {
                return lines;
            }
            lines.add(line);
        }
        return fail("no DONE after " + lines + "\n" + stderr);
    }

    private static Result cli(Jdk jdk, String... arguments) {
        List<String> command = new ArrayList<>(List.of(jdk.java().toString(), "-jar", NettyJvm.AGENT_JAR.toString()));
        command.addAll(List.of(arguments));
        return NettyJvm.run(new ProcessBuilder(command));
    }
}
