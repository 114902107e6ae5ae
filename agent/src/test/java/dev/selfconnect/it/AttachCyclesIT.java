package dev.selfconnect.it;

import com.sun.tools.attach.VirtualMachine;
import dev.selfconnect.it.AttachHarness.Target;
import dev.selfconnect.it.ChildJvm.Jdk;
import dev.selfconnect.testsupport.ChildProcess;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fifty attach/detach cycles into one JVM with the real jar and the tool's protocol (each load a request with a fresh
 * id, answered in the reply property): each answer is the agent's, and the later loads reuse the agent already there:
 * no agent class is defined again, no thread of the agent's is added, and no JDK class is woven again (a detach leaves
 * the hooks inert, the next attach reuses them), so the JVM's class count, which counts each new version of a
 * redefined class, stays as it was after the first cycle. The RSS is measured (the line starting with MEASURE) with
 * the target's heap fixed and touched in advance ({@code -XX:+AlwaysPreTouch}), so that the heap's pages being
 * touched for the first time, as an idle JVM's garbage fills its young generation, do not count: the 49 cycles after
 * the first stay within {@value #RSS_GROWTH_LIMIT_KB} KB. (Restoring the classes at each detach and weaving them again
 * at each attach cost 14-32 MB over 50 cycles on JDK 17 and 25, 30-40 MB on JDK 8: the JVM's native memory of each
 * new class version, never freed.)
 */
@Timeout(600)
class AttachCyclesIT {

    private static final int CYCLES = 50;
    private static final long RSS_GROWTH_LIMIT_KB = 10 * 1024;
    private static final String REPLY_PROPERTY = "dev.selfconnect.agent.reply";
    private static final String LOADED_CLASSES = "java.cls.loadedClasses";
    private static final long CLASSES_QUIET_MILLIS = 500;
    private static final long CLASSES_SETTLE_MILLIS = 10_000;
    /** Thread names as /proc shows them, cut to 15 characters. */
    private static final List<String> TRANSIENT_THREADS = List.of("selfconnect-wea", "selfconnect-jmx");
    /** Classes the JVM may load for its own part of the cycles (the attach listener's, the instrument library's). */
    private static final int MOST_CLASSES_LOADED_BY_THE_JVM = 20;

    @TestFactory
    List<DynamicNode> cycles() {
        List<DynamicNode> nodes = new ArrayList<>();
        for (Jdk jdk : ChildJvm.jdks()) {
            if (jdk.feature() == 8 || jdk.feature() == 17 || jdk.feature() == 25) {
                nodes.add(DynamicTest.dynamicTest(jdk + ": " + CYCLES + " attach/detach cycles reuse the agent, RSS "
                        + "within " + RSS_GROWTH_LIMIT_KB + " KB after the first", () -> cycles(jdk)));
            }
        }
        return nodes;
    }

    private void cycles(Jdk jdk) throws Exception {
        String jar = ChildJvm.AGENT_JAR.toAbsolutePath().toRealPath().toString();
        try (Target app = Target.plain(jdk, "-Xms64m", "-Xmx64m", "-XX:+AlwaysPreTouch")) {
            String pid = Long.toString(app.pid);
            VirtualMachine vm = VirtualMachine.attach(pid);
            try {
                cycle(vm, jar);
                long rssFirst = rssKb(pid);
                // The first attach's background steps (the families made, the status thread) may still be loading
                // classes after its answer: the count is read once it has stopped changing.
                long classesFirst = Long.parseLong(ChildProcess.settled(
                        () -> Long.toString(loadedClasses(app.jdk, pid)), CLASSES_QUIET_MILLIS, CLASSES_SETTLE_MILLIS));
                List<String> threadsFirst = agentThreads(pid);
                for (int i = 2; i <= CYCLES; i++) {
                    cycle(vm, jar);
                }
                long rssLast = rssKb(pid);
                long classesLast = loadedClasses(app.jdk, pid);
                List<String> threadsLast = agentThreads(pid);
                System.out.println("MEASURE " + jdk + " " + CYCLES + " attach/detach cycles: RSS " + rssFirst
                        + " KB after the first, " + rssLast + " KB after the last (" + (rssLast - rssFirst)
                        + " KB); classes loaded " + classesFirst + " -> " + classesLast + "; agent threads "
                        + threadsFirst + " -> " + threadsLast);

                assertTrue(classesLast - classesFirst <= MOST_CLASSES_LOADED_BY_THE_JVM, "agent classes defined again"
                        + " or JDK classes woven again: " + classesFirst + " -> " + classesLast);
                assertEquals(threadsFirst, threadsLast, "the agent's threads");
                assertTrue(rssLast - rssFirst < RSS_GROWTH_LIMIT_KB, "RSS " + rssFirst
                        + " KB after the first cycle, " + rssLast + " KB after the " + CYCLES + "th");
            } finally {
                vm.detach();
            }
        }
    }

    /** One attach and one detach, each answered by the agent in the reply property with its request's id. */
    private static void cycle(VirtualMachine vm, String jar) throws Exception {
        load(vm, jar, "attach", "installed");
        load(vm, jar, "detach", "detached");
    }

    private static void load(VirtualMachine vm, String jar, String command, String status) throws Exception {
        String id = UUID.randomUUID().toString().replace("-", "");
        try {
            vm.loadAgent(jar, "command=" + command + ",id=" + id);
        } catch (Exception e) {
            // A Java 9+ client misreads a Java 8 JVM's success as "Failed to load agent library: 0": the reply decides.
        }
        Properties properties = vm.getSystemProperties();
        String reply = properties.getProperty(REPLY_PROPERTY, "");
        assertTrue(reply.startsWith("selfconnect-reply " + id + " " + status + "\n"), command + ": " + reply);
    }

    private static long rssKb(String pid) throws IOException {
        for (String line : Files.readAllLines(Paths.get("/proc", pid, "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no VmRSS for " + pid);
    }

    /** The JVM's count of classes loaded so far, each new version of a redefined class included (its jcmd). */
    private static long loadedClasses(Jdk jdk, String pid) {
        ChildJvm.Result counters = ChildJvm.run(new ProcessBuilder(jdk.home().resolve("bin/jcmd").toString(), pid,
                "PerfCounter.print"));
        assertEquals(0, counters.exitCode(), counters::toString);
        return counters.stdout().lines().filter(l -> l.startsWith(LOADED_CLASSES + "="))
                .mapToLong(l -> Long.parseLong(l.substring(LOADED_CLASSES.length() + 1).trim())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + LOADED_CLASSES + "\n" + counters));
    }

    /**
     * The names of the JVM's lasting threads whose name is the agent's: the weaver of an attach and the one-off fetch
     * of the platform MBean server end on their own, and may still be ending when this looks.
     */
    private static List<String> agentThreads(String pid) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Paths.get("/proc", pid, "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim();
                    if (name.startsWith("selfconnect") && !TRANSIENT_THREADS.contains(name)) {
                        names.add(name);
                    }
                } catch (IOException ended) {
                    // a thread that ended meanwhile
                }
            }
        }
        names.sort(null);
        return names;
    }
}
