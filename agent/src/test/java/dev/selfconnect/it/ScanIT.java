package dev.selfconnect.it;

import dev.selfconnect.audit.StrictJson;
import dev.selfconnect.it.ChildJvm.Result;
import dev.selfconnect.scan.PrometheusText;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code selfconnect scan} from the packaged jar against real sockets held by real processes in network namespaces
 * the test makes ({@code unshare}), each with its own ephemeral range: a self-connection held by python3 and by JVMs
 * with and without the agent, listeners inside and outside the range, reserved and not, IPv6 and IPv4-mapped, two
 * namespaces at once, an unprivileged user, processes exiting while the scan runs, and the JSON Lines and Prometheus
 * outputs parsed back.
 */
class ScanIT {

    private static final Path JAVA = Paths.get(System.getProperty("java.home"), "bin/java");
    private static final String NOBODY = "65534";
    /** The namespace's setup comes through the environment, so that it needs no quoting through two shells. */
    private static final String SETUP = "eval \"$SC_SETUP\"";

    /** The holder: opens the sockets its arguments name, prints "READY pid", and keeps them until it is killed. */
    private static final String HOLDER = String.join("\n",
            "import os, random, socket, sys, time",
            "keep = []",
            "def family(address): return socket.AF_INET6 if ':' in address else socket.AF_INET",
            "def listen(address, port):",
            "    s = socket.socket(family(address))",
            "    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "    if address == '::': s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)",
            "    s.bind((address, port)); s.listen(16); keep.append(s); return s",
            "def pair(listen_address, connect_address, port):",
            "    server = listen(listen_address, port)",
            "    client = socket.create_connection((connect_address, port)); accepted, _ = server.accept()",
            "    keep.extend([client, accepted])",
            "churn = False",
            "for argument in sys.argv[1:]:",
            "    kind, _, value = argument.partition('=')",
            "    if kind == 'self':",
            "        s = socket.socket(); s.connect(('127.0.0.1', int(value)))",
            "        assert s.getsockname() == s.getpeername(), (s.getsockname(), s.getpeername()); keep.append(s)",
            "    elif kind == 'selfbind':",
            "        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "        s.bind(('127.0.0.1', int(value))); s.connect(('127.0.0.1', int(value))); keep.append(s)",
            "    elif kind == 'listen':",
            "        address, _, port = value.rpartition(':'); listen(address, int(port))",
            "    elif kind == 'pair':",
            "        a, b, port = value.split(','); pair(a, b, int(port))",
            "    elif kind == 'churn':",
            "        churn = True",
            "print('READY', os.getpid(), flush=True)",
            "i = 0",
            "while churn:",
            "    i += 1",
            "    if os.fork() == 0:",
            "        try:",
            "            pair('127.0.0.1', '127.0.0.1', 40100 + i % 50)",
            "            time.sleep(random.random() * 0.004)",
            "        finally:",
            "            os._exit(0)",
            "    while True:",
            "        try:",
            "            if os.waitpid(-1, os.WNOHANG)[0] == 0: break",
            "        except ChildProcessError: break",
            "    time.sleep(0.003)",
            "time.sleep(600)",
            "");

    @TempDir
    static Path dir;
    private static Path shared;
    private static Path jar;
    private static Path holder;
    private static String python;
    private final List<Process> holders = new ArrayList<>();

    @BeforeAll
    static void setUp() throws IOException {
        ChildJvm.requireNamespaces();
        python = Files.isExecutable(Paths.get("/usr/bin/python3")) ? "/usr/bin/python3" : null;
        ChildJvm.require(python != null, "/usr/bin/python3 is missing",
                "the scan tests hold sockets in a python3 process");
        // readable by every user: the unprivileged scan runs the jar as nobody
        shared = Files.createTempDirectory(Paths.get("/tmp"), "scan-it");
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        jar = Files.copy(ChildJvm.AGENT_JAR, shared.resolve("selfconnect.jar"), StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        holder = Files.writeString(shared.resolve("holder.py"), HOLDER);
        Files.setPosixFilePermissions(holder, PosixFilePermissions.fromString("rw-r--r--"));
    }

    @AfterAll
    static void removeShared() throws IOException {
        if (shared != null) {
            for (Path file : List.of(jar, holder)) {
                if (file != null) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(shared);
        }
    }

    @AfterEach
    void stopHolders() throws InterruptedException {
        for (Process process : holders) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** A namespace of its own ({@code unshare -rn}) with this range and reserved list, holding these sockets. */
    private long namespace(String range, String reserved, String... sockets) {
        return start(List.of("unshare", "-rn", "sh", "-c", SETUP), range, reserved, holderCommand(sockets));
    }

    /** A network namespace made inside a user namespace of its own: {@code unshare -n} within {@code unshare -r}. */
    private long nestedNamespace(String range, String reserved, String... sockets) {
        return start(List.of("unshare", "-r", "sh", "-c", "exec unshare -n sh -c '" + SETUP + "'"), range, reserved,
                holderCommand(sockets));
    }

    private static List<String> holderCommand(String... sockets) {
        List<String> command = new ArrayList<>(List.of(python, holder.toString()));
        command.addAll(List.of(sockets));
        return command;
    }

    private long start(List<String> namespaceCommand, String range, String reserved, List<String> command) {
        List<String> full = namespaceCommand;
        ProcessBuilder builder = new ProcessBuilder(full).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("SC_SETUP", "ip link set lo up"
                + " && echo \"$SC_RANGE\" > /proc/sys/net/ipv4/ip_local_port_range"
                + " && echo \"$SC_RESERVED\" > /proc/sys/net/ipv4/ip_local_reserved_ports"
                + " && exec " + command.stream().map(a -> "'" + a + "'").collect(Collectors.joining(" ")));
        builder.environment().put("SC_RANGE", range);
        builder.environment().put("SC_RESERVED", reserved);
        try {
            Process process = builder.start();
            holders.add(process);
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            String line = ready.get(60, TimeUnit.SECONDS);
            if (line == null || !line.startsWith("READY ")) {
                fail("the holder did not start: " + line + " (" + full + ")");
            }
            return Long.parseLong(line.split(" ")[1].trim());
        } catch (Exception e) {
            throw new AssertionError("cannot start " + full, e);
        }
    }

    /** Runs the scan from the packaged jar, with a prefix (nsenter, setpriv) before java if given. */
    private static Result scan(List<String> prefix, String... args) {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(JAVA.toString(), "-cp", jar.toString(), "dev.selfconnect.scan.ScanCommand"));
        command.addAll(List.of(args));
        Result result = ChildJvm.run(new ProcessBuilder(command));
        assertFalse(result.stderr().contains("Exception") || result.stderr().contains("\tat "), result::toString);
        for (String line : result.stderr().lines().toList()) {
            assertTrue(line.startsWith("selfconnect scan: ") || line.startsWith("  ")
                    || line.startsWith("usage: "), result::toString);
        }
        return result;
    }

    private static Result scan(String... args) {
        return scan(List.of(), args);
    }

    private static List<String> insideNamespaceOf(long pid) {
        return List.of("nsenter", "--net=/proc/" + pid + "/ns/net");
    }

    private static List<String> asNobody() {
        return List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups");
    }

    private static String namespaceOf(long pid) throws IOException {
        return Files.readSymbolicLink(Paths.get("/proc/" + pid + "/ns/net")).toString();
    }

    private static List<String> rows(Result result) {
        return result.stdout().lines().filter(l -> l.matches("  (self-connection|risk-listen|risk-connect) .*"))
                .map(l -> l.trim().replaceAll(" {2,}", " | ")).toList();
    }

    @Test
    void aSelfConnectionHeldByPython() throws IOException {
        long pid = namespace("40000 40000", "", "self=40000");
        String row = "self-connection | 127.0.0.1:40000 | 127.0.0.1:40000 | " + pid + " | not a JVM | "
                + container(pid) + " | - | " + python + " " + holder + " self=40000";

        Result outside = scan("--pid", Long.toString(pid));
        assertEquals(1, outside.exitCode(), outside::toString);
        assertEquals(List.of(row), rows(outside), outside::toString);
        assertTrue(outside.stdout().startsWith("network namespace " + namespaceOf(pid) + " (pid " + pid + "): 1 TCP"
                + " socket(s), ephemeral range 40000-40000, reserved: none\n"), outside::toString);
        assertTrue(outside.stdout().contains("\n  fix: reserve it with 'nsenter --net=/proc/" + pid + "/ns/net sysctl"
                + " -w net.ipv4.ip_local_reserved_ports=40000' (persist it in /etc/sysctl.d), or move it out of"
                + " 40000-40000\n"), outside::toString);

        // the scan run inside the namespace, as in a container: its own namespace, its own sysctls
        Result inside = scan(insideNamespaceOf(pid));
        assertEquals(1, inside.exitCode(), inside::toString);
        assertEquals(List.of(row), rows(inside), inside::toString);
        assertTrue(inside.stdout().startsWith("network namespace " + namespaceOf(pid) + " (this process's)"),
                inside::toString);
        assertTrue(inside.stdout().contains("\n  fix: reserve it with 'sysctl -w net.ipv4.ip_local_reserved_ports=40000'"
                + " (persist"), inside::toString);
    }

    @Test
    void jvmsWithAndWithoutTheAgent() throws IOException {
        long bare = jvm(false);
        long withAgent = jvm(true);
        // Java's sockets are IPv6 sockets connected to an IPv4-mapped address: the row is in tcp6
        assertTrue(Files.readString(Paths.get("/proc/" + bare + "/net/tcp6"))
                .contains("0000000000000000FFFF00000100007F:9C40 0000000000000000FFFF00000100007F:9C40 01"));
        Result result = scan("--all-namespaces");
        assertEquals(1, result.exitCode(), result::toString);
        List<String> rows = rows(result);
        assertTrue(rows.stream().anyMatch(r -> r.startsWith("self-connection | 127.0.0.1:40000 | 127.0.0.1:40000 | "
                + bare + " | JVM, no agent | " + container(bare) + " | - | " + JAVA)), result::toString);
        // a JVM with the agent is named by its service, by the agent's rules (here its main class)
        assertTrue(rows.stream().anyMatch(r -> r.startsWith("self-connection | 127.0.0.1:40000 | 127.0.0.1:40000 | "
                + withAgent + " | JVM, agent loaded | " + container(withAgent)
                + " | dev.selfconnect.scenarios.HoldSelfConnection | " + JAVA)), result::toString);
    }

    private long jvm(boolean agent) {
        List<String> command = new ArrayList<>(List.of(JAVA.toString()));
        if (agent) {
            command.add("-javaagent:" + ChildJvm.AGENT_JAR.toAbsolutePath());
        }
        command.addAll(List.of("-cp", Paths.get("target/test-classes").toAbsolutePath().toString(),
                "dev.selfconnect.scenarios.HoldSelfConnection", "40000"));
        return start(List.of("unshare", "-rn", "sh", "-c", SETUP), "40000 40000", "", command);
    }

    @Test
    void twoNamespacesWithDifferentRangesJsonAndPrometheus() throws IOException {
        long a = namespace("40000 40999", "40001", "listen=127.0.0.1:40005", "listen=0.0.0.0:40001",
                "listen=0.0.0.0:5555", "listen=::1:40007", "pair=0.0.0.0,127.0.0.1,40009", "pair=::,127.0.0.1,40011",
                "pair=127.0.0.1,127.0.0.1,5556");
        long b = nestedNamespace("41000 41999", "", "listen=0.0.0.0:40005", "listen=0.0.0.0:41005");
        String nsA = namespaceOf(a);
        String nsB = namespaceOf(b);
        assertFalse(nsA.equals(nsB));

        Result table = scan("--all-namespaces");
        assertEquals(1, table.exitCode(), table::toString);
        assertTrue(table.stdout().contains("  fix: reserve them with 'nsenter --net=/proc/" + a + "/ns/net sysctl -w"
                + " net.ipv4.ip_local_reserved_ports=40001,40005,40007,40009,40011' (persist it in /etc/sysctl.d),"
                + " or move them out of 40000-40999\n"), table::toString);
        assertTrue(table.stdout().contains("  fix: reserve it with 'nsenter --net=/proc/" + b + "/ns/net sysctl -w"
                + " net.ipv4.ip_local_reserved_ports=41005' (persist it in /etc/sysctl.d), or move it out of"
                + " 41000-41999\n"), table::toString);

        Path metrics = dir.resolve("selfconnect.prom");
        Result json = scan("--all-namespaces", "--json", "--prometheus", metrics.toString());
        assertEquals(1, json.exitCode(), json::toString);
        List<Map<String, Object>> objects = json.stdout().lines().map(StrictJson::object).toList();
        assertEquals(new TreeSet<>(Set.of(
                "risk-listen 127.0.0.1:40005 - " + a,
                "risk-listen ::1:40007 - " + a,
                "risk-listen 0.0.0.0:40009 - " + a,
                "risk-listen :::40011 - " + a,
                "risk-connect 127.0.0.1:* 40009 " + a,
                "risk-connect 127.0.0.1:* 40011 " + a)), findings(objects, nsA));
        assertEquals(Set.of("risk-listen 0.0.0.0:41005 - " + b), findings(objects, nsB));
        for (Map<String, Object> object : objects) {
            if (object.get("namespace").equals(nsA)) {
                assertEquals("reserve them with 'nsenter --net=/proc/" + a + "/ns/net sysctl -w"
                        + " net.ipv4.ip_local_reserved_ports=40001,40005,40007,40009,40011' (persist it in"
                        + " /etc/sysctl.d), or move them out of 40000-40999", object.get("fix"));
                assertEquals(python + " " + holder, object.get("command").toString().substring(0,
                        (python + " " + holder).length()));
                assertEquals(false, object.get("jvm"));
                assertNull(object.get("agent"));
            }
        }

        Map<String, Double> samples = PrometheusText.parse(Files.readString(metrics));
        // the host's totals, whatever else runs on it: at least these two namespaces' findings
        assertTrue(samples.get("selfconnect_scan_findings{kind=risk-listen}") >= 5, samples::toString);
        assertTrue(samples.get("selfconnect_scan_findings{kind=risk-connect}") >= 2, samples::toString);
        String python3 = ",k8s_namespace=,pod=,service=,command=python3}";
        assertEquals(1.0, samples.get("selfconnect_scan_finding{kind=risk-listen,port=41005,container="
                + containerLabel(b) + python3), samples::toString);
        // the client of 40009 in namespace A: no client port or pid label
        assertEquals(1.0, samples.get("selfconnect_scan_finding{kind=risk-connect,port=40009,container="
                + containerLabel(a) + python3), samples::toString);
        assertFalse(samples.keySet().stream().anyMatch(k -> k.contains("pid=") || k.contains("namespace=net:")
                || k.contains("local=")), samples::toString);
        assertTrue(samples.get("selfconnect_scan_namespaces") >= 3, samples::toString);
    }

    /** "kind local remote-port pid" of each finding in the namespace; a client's own port as "*". */
    private static Set<String> findings(List<Map<String, Object>> objects, String namespace) {
        Set<String> found = new TreeSet<>();
        for (Map<String, Object> object : objects) {
            if (!object.get("namespace").equals(namespace)) {
                continue;
            }
            Map<?, ?> local = (Map<?, ?>) object.get("local");
            Map<?, ?> remote = (Map<?, ?>) object.get("remote");
            boolean client = object.get("kind").equals("risk-connect");
            found.add(object.get("kind") + " " + local.get("address") + ":" + (client ? "*" : local.get("port")) + " "
                    + (remote == null ? "-" : remote.get("port")) + " " + object.get("process.pid"));
        }
        return found;
    }

    @Test
    void anUnprivilegedUserSeesTheSocketsButNotTheirOwners() throws IOException {
        long pid = namespace("40000 40999", "", "selfbind=40500", "listen=127.0.0.1:40005");

        // inside the namespace: its sysctls are this process's own, the owner's descriptors are not readable
        List<String> prefix = new ArrayList<>(insideNamespaceOf(pid));
        prefix.addAll(asNobody());
        Result inside = scan(prefix);
        assertEquals(1, inside.exitCode(), inside::toString);
        assertEquals(List.of("self-connection | 127.0.0.1:40500 | 127.0.0.1:40500 | ? | ? | - | - | ?",
                "risk-listen | 127.0.0.1:40005 | - | ? | ? | - | - | ?"), rows(inside), inside::toString);
        assertTrue(inside.stdout().contains("  fix: reserve them with 'sysctl -w"
                + " net.ipv4.ip_local_reserved_ports=40005,40500'"),
                inside::toString);
        assertTrue(inside.stdout().contains("  2 finding(s) with pid ?: 1 process(es) in this namespace hide their"
                + " descriptors from this user (run as root to see them)\n"), inside::toString);

        // from outside: the namespace's sysctls cannot be read, its self-connection is still found
        Result outside = scan(asNobody(), "--pid", Long.toString(pid), "--json");
        assertEquals(1, outside.exitCode(), outside::toString);
        List<Map<String, Object>> objects = outside.stdout().lines().map(StrictJson::object).toList();
        assertEquals(1, objects.size(), outside::toString);
        assertEquals("self-connection", objects.get(0).get("kind"));
        assertNull(objects.get(0).get("process.pid"));
        assertNull(objects.get(0).get("fix"));
        assertEquals("net:? (pid " + pid + ")", objects.get(0).get("namespace"));
        assertTrue(outside.stderr().contains("selfconnect scan: network namespace net:? (pid " + pid + "): its"
                + " ephemeral port range cannot be read (entering it with nsenter --net=/proc/" + pid + "/ns/net"
                + " failed: "), outside::toString);
        assertTrue(outside.stderr().contains("its listeners are not checked, self-connections are"), outside::toString);

        // the table says why once, on standard error; the report only that the listeners were not checked
        Result table = scan(asNobody(), "--pid", Long.toString(pid));
        assertEquals(1, table.exitCode(), table::toString);
        String both = table.stdout() + table.stderr();
        assertEquals(1, both.split("cannot be read", -1).length - 1, table::toString);
        assertTrue(table.stdout().contains("\n  listeners not checked: the ephemeral range is unknown\n"),
                table::toString);
    }

    /** Scans made while short-lived processes come and go: half over every namespace, half by the holder's pid. */
    private static final int CHURN_SCANS = 6;

    @Test
    void processesExitingDuringTheScan() throws IOException {
        long pid = namespace("40000 49999", "", "selfbind=40500", "listen=127.0.0.1:40600", "churn");
        String namespace = namespaceOf(pid);
        int churned = 0;
        for (int run = 0; run < CHURN_SCANS; run++) {
            Result result = scan(run % 2 == 0 ? new String[] {"--all-namespaces", "--json"}
                    : new String[] {"--pid", Long.toString(pid), "--json"});
            assertEquals(1, result.exitCode(), result::toString);
            List<Map<String, Object>> objects = result.stdout().lines().map(StrictJson::object)
                    .filter(o -> o.get("namespace").equals(namespace)).toList();
            Set<String> stable = new TreeSet<>();
            for (Map<String, Object> object : objects) {
                Map<?, ?> local = (Map<?, ?>) object.get("local");
                Map<?, ?> remote = (Map<?, ?>) object.get("remote");
                long port = (Long) (object.get("kind").equals("risk-connect") ? remote.get("port") : local.get("port"));
                if (port == 40500 || port == 40600) {
                    assertEquals(pid, object.get("process.pid"), object::toString);
                    stable.add(object.get("kind") + " " + port);
                } else {
                    // a churning child's socket: its own port range, never the parent's
                    assertTrue(port >= 40100 && port < 40150, object::toString);
                    assertFalse(Long.valueOf(pid).equals(object.get("process.pid")), object::toString);
                    churned++;
                }
            }
            assertEquals(Set.of("self-connection 40500", "risk-listen 40600"), stable, result::toString);
        }
        assertTrue(churned > 0, "no short-lived process was caught by any scan: the test did not test");
    }

    @Test
    void allNamespacesShowOnlyTheOnesWithFindingsAndOneLineForTheRest() throws IOException {
        long found = namespace("40000 40000", "", "self=40000");
        namespace("40000 40999", "");
        namespace("41000 41999", "", "listen=127.0.0.1:5555");
        Result result = scan("--all-namespaces");
        assertEquals(1, result.exitCode(), result::toString);
        String out = result.stdout();
        assertTrue(out.contains("network namespace " + namespaceOf(found) + " (pid " + found + "): 1 TCP socket(s)"),
                result::toString);
        assertFalse(out.contains("nothing found\n"), result::toString);
        List<String> quiet = out.lines().filter(l -> l.startsWith("nothing found in ")).toList();
        assertEquals(1, quiet.size(), result::toString);
        // the two namespaces above without findings at least (the host's others may have some or none)
        int others = Integer.parseInt(quiet.get(0).replaceAll("nothing found in (\\d+) other .*", "$1"));
        assertTrue(others >= 2, result::toString);
        // every namespace the report shows in full has a finding
        List<String> lines = out.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("network namespace ")) {
                assertTrue(i + 2 < lines.size() && lines.get(i + 2).matches("  (self-connection|risk-listen"
                        + "|risk-connect) .*") || lines.get(i + 3).matches("  (self-connection|risk-listen"
                        + "|risk-connect) .*"), result::toString);
            }
        }
        // as nobody: each namespace's problem once, never in the report too
        Result unprivileged = scan(asNobody(), "--all-namespaces");
        assertEquals(1, unprivileged.exitCode(), unprivileged::toString);
        List<String> problems = (unprivileged.stdout() + unprivileged.stderr()).lines()
                .filter(l -> l.contains("cannot be read")).toList();
        assertEquals(new TreeSet<>(problems).size(), problems.size(), unprivileged::toString);
        assertFalse(unprivileged.stdout().contains("cannot be read"), unprivileged::toString);
    }

    private static String containerLabel(long pid) {
        String shown = container(pid);
        return shown.equals("-") ? "" : shown;
    }

    /** The owner's container as the scan shows it (12 digits), or "-" where the test machine runs in none. */
    private static String container(long pid) {
        try {
            String id = dev.selfconnect.identity.ContainerIds.find(Files.readString(Paths.get("/proc/" + pid
                    + "/cgroup")), Files.readString(Paths.get("/proc/" + pid + "/mountinfo")));
            return id == null ? "-" : dev.selfconnect.identity.ContainerIds.shortId(id);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void nothingFoundAndBadUsage() {
        Result clean = scan(List.of("unshare", "-rn"));
        assertEquals(0, clean.exitCode(), clean::toString);
        assertTrue(clean.stdout().startsWith("nothing found in 1 network namespace(s) ("), clean::toString);
        Result bad = scan("--pid", "abc");
        assertEquals(2, bad.exitCode(), bad::toString);
        assertTrue(bad.stderr().startsWith("selfconnect scan: --pid needs a process id, got 'abc'\n"), bad::toString);
    }
}
