package dev.selfconnect.it;

import dev.selfconnect.audit.StrictJson;
import dev.selfconnect.it.AttachHarness.CliRun;
import dev.selfconnect.it.ChildJvm.Jdk;
import dev.selfconnect.testsupport.ChildProcess;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the agent finds already open when it comes, with the real jar and real sockets in a namespace of their own:
 * {@code attach} to a JVM that listens on an unreserved port of the ephemeral range, or holds a self-connected socket,
 * made before the attach ({@code HoldSockets}), reports them as findings of the API {@code existing}, counted in
 * {@code status} and written to the audit file, under the settings in force; and at startup, a listener inherited from
 * the parent process is reported once the agent's deferred work runs, while a listener the application binds itself
 * is reported by its bind, once, and one bound to port 0 (the kernel chose the port) never.
 */
class ExistingSocketsIT {

    private static final String SCENARIO = "dev.selfconnect.scenarios.HoldSockets";
    private static final String NAMESPACE = "ip link set lo up"
            + " && echo \"$SC_RANGE\" > /proc/sys/net/ipv4/ip_local_port_range"
            + " && echo \"$SC_RESERVED\" > /proc/sys/net/ipv4/ip_local_reserved_ports && exec \"$@\"";
    /** Opens a listener on 127.0.0.1:PORT that its child inherits, then becomes that child (the JVM). */
    private static final String INHERITING_PARENT = String.join("\n",
            "import os, socket, sys",
            "s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
            "s.bind(('127.0.0.1', int(sys.argv[1])))",
            "s.listen(1)",
            "s.set_inheritable(True)",
            "os.execv(sys.argv[2], sys.argv[2:])");
    private static final String RISK_LISTEN_40005 = "(?s).*\\[selfconnect\\] RISK existing socket listens on"
            + " (\\[::\\]|0\\.0\\.0\\.0):40005 \\(open before the agent looked: no thread or stack is known\\):"
            + " port 40005 lies in the ephemeral port range 40000-40009 \\(net.ipv4.ip_local_port_range\\) and is not"
            + " reserved,.*"
            + " reserve it with 'sysctl -w net.ipv4.ip_local_reserved_ports=40001,40005'.*";
    private static final long AWAIT_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long SETTLED_QUIET_MILLIS = 500;

    @TempDir
    Path dir;

    static List<Jdk> jdks() {
        return ChildJvm.jdks();
    }

    /** The newest JDK and 8, for the settings: the rest is the same Java code on every JDK. */
    static List<Jdk> firstAndLastJdk() {
        List<Jdk> all = ChildJvm.jdks();
        return all.size() <= 1 ? all : List.of(all.get(0), all.get(all.size() - 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    @Timeout(180)
    void attachReportsTheListenersAtRiskTheJvmHeldAlready(Jdk jdk) throws Exception {
        Path audit = dir.resolve("audit.jsonl");
        try (Holder app = Holder.start(jdk, "40000 40009", "40001", List.of(),
                "listen=*:40005", "listen=127.0.0.1:40007", "listen=127.0.0.1:40001", "listen=127.0.0.1:8080")) {
            String pid = Long.toString(app.pid);

            CliRun attach = AttachHarness.cli(jdk, "attach", pid, "ignore=40007", "audit.file=" + audit);

            assertEquals(0, attach.exitCode(), attach::toString);
            String stderr = app.awaitStderr(s -> s.matches(RISK_LISTEN_40005));
            assertTrue(stderr.matches(RISK_LISTEN_40005), app::toString);
            CliRun status = AttachHarness.cli(jdk, "status", pid);
            assertEquals(0, status.exitCode(), status::toString);
            assertTrue(status.stdout().contains("self-connections=0, exceptions-thrown=0, risks-found=1,"
                    + " internal-failures=0"), status::toString);
            String settled = app.settledStderr();
            assertEquals(1, settled.lines().filter(l -> l.startsWith("[selfconnect] RISK ")).count(), settled);
            assertFalse(settled.contains(":40007"), "ignored: " + settled);
            assertFalse(settled.contains(":40001 "), "reserved: " + settled);
            assertFalse(settled.contains(":8080"), "outside the range: " + settled);
            List<String> lines = Files.readAllLines(audit);
            assertEquals(1, lines.size(), lines::toString);
            Map<String, Object> event = StrictJson.object(lines.get(0));
            assertEquals("risk-listen", event.get("kind"));
            assertEquals("existing", event.get("api"));
            assertEquals(40005L, ((Map<?, ?>) event.get("local")).get("port"));
            assertEquals(app.pid, event.get("process.pid"));

            app.close();
            String summary = "(?s).*\\[selfconnect\\] SUMMARY 0 self-connection\\(s\\), 1 risk finding\\(s\\),.*"
                    + "\\[selfconnect\\] SUMMARY   listen (\\[::\\]|0\\.0\\.0\\.0):40005 \\(existing\\)\n.*";
            assertTrue(app.stderr().matches(summary), app::toString);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    @Timeout(180)
    void attachInThrowModeReportsASelfConnectionMadeBeforeAndLeavesItOpen(Jdk jdk) {
        try (Holder app = Holder.start(jdk, "40000 40000", "", List.of(), "self=40000")) {
            String pid = Long.toString(app.pid);
            assertEquals("RESULT echo ok 1", app.send("echo"), app::toString);

            CliRun attach = AttachHarness.cli(jdk, "attach", pid, "mode=throw");

            assertEquals(0, attach.exitCode(), attach::toString);
            String warning = "[selfconnect] WARN self-connection 127.0.0.1:40000 -> 127.0.0.1:40000 via existing socket"
                    + " (open before the agent looked: no thread or stack is known): nothing listens on 40000, which"
                    + " lies in the ephemeral port range 40000-40000; reserve it with"
                    + " 'sysctl -w net.ipv4.ip_local_reserved_ports=40000' (persist it in /etc/sysctl.d), or move it"
                    + " out of 40000-40000; the connection was left open: the application has held it since before"
                    + " the agent looked, and mode=throw resets only the connects the agent sees complete";
            String stderr = app.awaitStderr(s -> s.contains(warning));
            assertTrue(stderr.contains(warning), app::toString);
            CliRun status = AttachHarness.cli(jdk, "status", pid);
            assertTrue(status.stdout().contains("self-connections=1, exceptions-thrown=0, risks-found=0,"
                    + " internal-failures=0"), status::toString);
            assertEquals("RESULT echo ok 1", app.send("echo"), "reported, not closed: " + app);
            assertEquals(1, app.settledStderr().lines().filter(l -> l.startsWith("[selfconnect] WARN ")).count(),
                    app::toString);

            app.close();
            assertTrue(app.stderr().contains("[selfconnect] SUMMARY 1 self-connection(s), 0 risk finding(s), 0"
                    + " SelfConnectException(s) thrown, 0 connect(s) checked; service.name="), app::toString);
            assertTrue(app.stderr().contains("\n[selfconnect] SUMMARY   self-connection 127.0.0.1:40000 (existing)\n"
                    + "[selfconnect] SUMMARY fix: reserve it with 'sysctl -w net.ipv4.ip_local_reserved_ports=40000'"),
                    app::toString);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("firstAndLastJdk")
    @Timeout(240)
    void theSettingsInForceDecideAndAReconfigurationReportsWhatTheOldSettingsLeftOut(Jdk jdk) {
        try (Holder app = Holder.start(jdk, "40000 40009", "40001", List.of(), "listen=*:40005",
                "listen=127.0.0.1:40007")) {
            String pid = Long.toString(app.pid);

            CliRun off = AttachHarness.cli(jdk, "attach", pid, "mode=off");
            assertEquals(0, off.exitCode(), off::toString);
            CliRun noRisks = AttachHarness.cli(jdk, "attach", pid, "mode=log", "risks=false", "ignore=40007");
            assertEquals(0, noRisks.exitCode(), noRisks::toString);
            assertFalse(app.settledStderr().contains("RISK"), app::toString);
            assertTrue(AttachHarness.cli(jdk, "status", pid).stdout().contains("risks-found=0,"));
            // Opened while the agent is there: its hooks saw it (a port the kernel chose is never a finding).
            String kernelChosen = app.send("listen=127.0.0.1:0");
            assertTrue(kernelChosen.matches("RESULT listening 400[0-9][0-9]"), kernelChosen);

            CliRun risks = AttachHarness.cli(jdk, "attach", pid, "risks=true");
            assertEquals(0, risks.exitCode(), risks::toString);
            assertTrue(risks.stdout().contains(" reconfigured: "), risks::toString);
            assertTrue(app.awaitStderr(s -> s.matches(RISK_LISTEN_40005)).matches(RISK_LISTEN_40005), app::toString);
            CliRun again = AttachHarness.cli(jdk, "attach", pid, "mode=throw");
            assertEquals(0, again.exitCode(), again::toString);

            String settled = app.settledStderr();
            assertEquals(1, settled.lines().filter(l -> l.startsWith("[selfconnect] RISK ")).count(), settled);
            assertFalse(settled.contains(":40007"), "ignored: " + settled);
            assertFalse(settled.contains(":" + kernelChosen.substring("RESULT listening ".length())),
                    "the kernel chose that port: " + settled);
            CliRun status = AttachHarness.cli(jdk, "status", pid);
            assertTrue(status.stdout().contains("risks-found=1, internal-failures=0"), status::toString);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    @Timeout(180)
    void atStartupAnInheritedListenerIsReportedAndTheApplicationsOwnBindsAsTheirHooksSay(Jdk jdk) {
        Path python = Paths.get("/usr/bin/python3");
        ChildJvm.require(Files.isExecutable(python), "/usr/bin/python3 is missing",
                "the test's parent process opens the listener the JVM inherits");
        List<String> parent = List.of(python.toString(), "-c", INHERITING_PARENT, "40005");
        try (Holder app = Holder.start(jdk, "40000 40009", "40001", parent,
                "-javaagent:" + ChildJvm.AGENT_JAR.toAbsolutePath(), "--", "listen=127.0.0.1:40007",
                "listen=127.0.0.1:0")) {
            String inherited = "[selfconnect] RISK existing socket listens on 127.0.0.1:40005 (open before the agent"
                    + " looked: no thread or stack is known): port 40005 lies in the ephemeral port range 40000-40009";

            String stderr = app.awaitStderr(s -> s.contains(inherited));

            assertTrue(stderr.contains(inherited), app::toString);
            String settled = app.settledStderr();
            List<String> risks = settled.lines().filter(l -> l.startsWith("[selfconnect] RISK ")).toList();
            assertEquals(2, risks.size(), "the inherited listener, the bind to 40007, not the bind to port 0: "
                    + settled);
            assertTrue(risks.stream().anyMatch(l -> l.startsWith("[selfconnect] RISK ServerSocket listens on"
                    + " 127.0.0.1:40007 (thread \"main\")")), settled);
            CliRun status = AttachHarness.cli(jdk, "status", Long.toString(app.pid));
            assertTrue(status.stdout().contains("risks-found=2, internal-failures=0"), status::toString);
        }
    }

    /**
     * {@code HoldSockets} in a namespace of its own, with this ephemeral range and these reserved ports, started
     * through the parent command when there is one; {@link #close()} ends it.
     */
    private static final class Holder implements AutoCloseable {
        final long pid;
        private final Process process;
        private final List<String> command;
        private final Writer stdin;
        private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
        private final StringBuffer stderr = new StringBuffer();
        private final List<Thread> readers = new ArrayList<>();

        /** @param arguments JVM options, then "--", then the scenario's arguments; or the scenario's alone */
        static Holder start(Jdk jdk, String range, String reserved, List<String> parent, String... arguments) {
            ChildJvm.requireNamespaces();
            List<String> command = new ArrayList<>(List.of("unshare", "-rn", "sh", "-c", NAMESPACE, "sh"));
            command.addAll(parent);
            command.add(jdk.java().toString());
            List<String> args = List.of(arguments);
            int separator = args.indexOf("--");
            command.addAll(args.subList(0, Math.max(separator, 0)));
            command.addAll(List.of("-cp", AttachHarness.TEST_CLASSES.toString(), SCENARIO));
            command.addAll(args.subList(separator + 1, args.size()));
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().keySet().removeIf(name -> name.startsWith("SELFCONNECT_"));
            builder.environment().put("SC_RANGE", range);
            builder.environment().put("SC_RESERVED", reserved);
            try {
                return new Holder(builder.start(), command);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private Holder(Process process, List<String> command) {
            this.process = process;
            this.command = command;
            this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            readers.add(read(process.getInputStream(), line -> stdout.add(line)));
            readers.add(read(process.getErrorStream(), line -> stderr.append(line).append('\n')));
            String ready;
            try {
                ready = stdout.poll(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            if (ready == null || !ready.startsWith("READY pid=")) {
                process.destroyForcibly();
                fail("the holder did not start: " + ready + "\n" + this);
            }
            this.pid = Long.parseLong(ready.substring("READY pid=".length()).split(" ")[0]);
        }

        String send(String line) {
            try {
                stdin.write(line + "\n");
                stdin.flush();
                String answer = stdout.poll(20, TimeUnit.SECONDS);
                if (answer == null) {
                    fail("no answer to '" + line + "' within 20 s\n" + this);
                }
                return answer;
            } catch (IOException e) {
                throw new UncheckedIOException("the holder ended: " + this, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        /** Standard error once it satisfies the condition, or as it is after {@link #AWAIT_NANOS}. */
        String awaitStderr(Predicate<String> condition) {
            long deadline = System.nanoTime() + AWAIT_NANOS;
            while (!condition.test(stderr.toString()) && System.nanoTime() < deadline) {
                sleep(50);
            }
            return stderr.toString();
        }

        String stderr() {
            return stderr.toString();
        }

        /** Standard error once nothing has come for 500 ms. */
        String settledStderr() {
            return ChildProcess.settled(this::stderr, SETTLED_QUIET_MILLIS, TimeUnit.NANOSECONDS.toMillis(AWAIT_NANOS));
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static Thread read(InputStream stream, java.util.function.Consumer<String> into) {
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        into.accept(line);
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            }, "holder-output");
            reader.setDaemon(true);
            reader.start();
            return reader;
        }

        @Override
        public void close() {
            try {
                stdin.close();
            } catch (IOException ignored) {
                // it has ended already
            }
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
                for (Thread reader : readers) {
                    reader.join(5_000); // what the process wrote last, its summary at exit, is read
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public String toString() {
            return "holder " + String.join(" ", command) + "\n--- stderr\n" + stderr;
        }
    }
}
