package dev.selfconnect.scan;

import dev.selfconnect.vocabulary.EphemeralPorts;
import dev.selfconnect.vocabulary.PortRange;
import dev.selfconnect.vocabulary.ReservedPorts;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static dev.selfconnect.scan.FakeProc.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scan over a directory laid out like /proc: what is a finding and what is not, owners found through the
 * descriptors, processes that are gone or hide, malformed tables, unreadable settings.
 */
class ScannerTest {

    @TempDir
    Path dir;
    FakeProc proc;

    static final String TCP = TcpTableTest.HEADER
            + row("127.0.0.1:40000", "127.0.0.1:40000", TcpSocket.ESTABLISHED, 500)
            + row("127.0.0.1:40002", "127.0.0.1:40002", TcpSocket.TIME_WAIT, 0)
            + row("127.0.0.1:40005", "0.0.0.0:0", TcpSocket.LISTEN, 501)
            + row("0.0.0.0:40001", "0.0.0.0:0", TcpSocket.LISTEN, 502)
            + row("0.0.0.0:5555", "0.0.0.0:0", TcpSocket.LISTEN, 503)
            + row("0.0.0.0:40009", "0.0.0.0:0", TcpSocket.LISTEN, 504)
            + row("127.0.0.1:40100", "127.0.0.1:40009", TcpSocket.ESTABLISHED, 505)
            + row("127.0.0.1:40009", "127.0.0.1:40100", TcpSocket.ESTABLISHED, 506)
            + row("127.0.0.1:40200", "10.0.0.9:40009", TcpSocket.ESTABLISHED, 507)
            + row("127.0.0.1:40020", "0.0.0.0:0", TcpSocket.LISTEN, 508)
            + "   9: 0100007F:9C4 garbage\n";

    @BeforeEach
    void host() throws IOException {
        proc = new FakeProc(dir).self(100)
                .process(100, "java -cp selfconnect.jar dev.selfconnect.scan.ScanCommand", 1, TCP,
                        TcpTableTest.HEADER6)
                .processIn(200, "/usr/bin/python3 holder.py", 1, 100)
                .socket(200, 3, 500).socket(200, 4, 501).fd(200, 5, "pipe:[77]")
                .processIn(300, "/usr/bin/java -jar server.jar", 1, 100)
                .agentJar(300, 3).socket(300, 4, 504).socket(300, 5, 506)
                .processIn(400, "/usr/bin/java -jar client.jar", 1, 100)
                .socket(400, 7, 505);
        // 500: gone before its namespace could be seen; 600: gone before its descriptors were listed
        Files.createDirectories(dir.resolve("500"));
        Files.createSymbolicLink(dir.resolve("500/net"), dir.resolve("no-such-dir"));
        proc.processIn(600, null, 1, 100);
        Files.delete(dir.resolve("600/fd"));
    }

    private Scanner.Result scan(Scanner.Target target, ForeignSysctls foreign) {
        return new Scanner(new ProcFs(dir), foreign).scan(target);
    }

    private static List<String> rows(NamespaceScan namespace) {
        return namespace.findings.stream().map(f -> f.kind.label() + " " + Messages.local(f) + " " + Messages.remote(f)
                + " " + f.owner() + " " + f.commandName + " " + f.runtime()).collect(Collectors.toList());
    }

    @Test
    void findsWhatIsAtRiskAndWhoHoldsIt() {
        Scanner.Result result = scan(Scanner.Target.current(), null);
        assertEquals(1, result.namespaces.size());
        NamespaceScan namespace = result.namespaces.get(0);
        assertEquals("net:[1]", namespace.name);
        assertEquals(List.of(
                "self-connection 127.0.0.1:40000 127.0.0.1:40000 200 python3 not a JVM",
                "risk-listen 127.0.0.1:40005 null 200 python3 not a JVM",
                "risk-listen 0.0.0.0:40009 null 300 java JVM, agent loaded",
                "risk-listen 127.0.0.1:40020 null ? null ",
                "risk-connect 127.0.0.1:40100 127.0.0.1:40009 400 java JVM, no agent"), rows(namespace));
        assertEquals(10, namespace.sockets);
        // the list in force as it is, then the ports it lacks, merged among themselves: as the agent writes it
        assertEquals("reserve them with 'sysctl -w net.ipv4.ip_local_reserved_ports=40001,40000,40005,40009,40020'"
                + " (persist it in /etc/sysctl.d), or move them out of 40000-40999", namespace.fix());
        assertEquals(1, namespace.unowned());
        assertEquals(1, result.processesUnseen);
        assertEquals(List.of(dir.resolve("self/net/tcp") + ": 1 malformed line(s) skipped, the first at line 12:"
                + " '   9: 0100007F:9C4 garbage'"), namespace.problems);
        assertEquals("/usr/bin/java -jar client.jar", namespace.findings.get(4).command);
    }

    @Test
    void theMessagesSayWhatTheAgentSays() {
        NamespaceScan namespace = scan(Scanner.Target.current(), null).namespaces.get(0);
        assertEquals("pid 200 (python3) listens on 127.0.0.1:40005: port 40005 lies in the ephemeral port range"
                + " 40000-40999 (net.ipv4.ip_local_port_range) and is not reserved, so any local client may get it as"
                + " its source port and hold it while this server restarts; reserve them with 'sysctl -w"
                + " net.ipv4.ip_local_reserved_ports=40001,40000,40005,40009,40020' (persist it in /etc/sysctl.d),"
                + " or move them out of 40000-40999", Messages.message(namespace, namespace.findings.get(1)));
        assertTrue(Messages.message(namespace, namespace.findings.get(3)).startsWith(
                "a process this user cannot see (uid 1000) listens on 127.0.0.1:40020: "));
    }

    @Test
    void withoutTheRangeOnlySelfConnectionsAreJudged() {
        proc.sysctls("banana", "");
        NamespaceScan namespace = scan(Scanner.Target.current(), null).namespaces.get(0);
        assertEquals(List.of("self-connection 127.0.0.1:40000 127.0.0.1:40000 200 python3 not a JVM"),
                rows(namespace));
        assertEquals("its ip_local_port_range reads 'banana', not 'LOW HIGH'", namespace.portsProblem);
        assertNull(namespace.fix());

        proc.sysctls("40000 40999", "40001,nonsense");
        namespace = scan(Scanner.Target.current(), null).namespaces.get(0);
        assertEquals(1, namespace.findings.size());
        assertEquals("its ip_local_reserved_ports cannot be parsed (item 'nonsense' is not PORT or LOW-HIGH)",
                namespace.portsProblem);
    }

    @Test
    void everyNamespaceWithItsOwnRange() {
        proc.process(700, "/usr/bin/python3 other.py", 2, TcpTableTest.HEADER
                        + row("0.0.0.0:41005", "0.0.0.0:0", TcpSocket.LISTEN, 900)
                        + row("0.0.0.0:40005", "0.0.0.0:0", TcpSocket.LISTEN, 901), null)
                .socket(700, 3, 900).socket(700, 4, 901);
        ForeignSysctls foreign = new ForeignSysctls() {
            @Override
            EphemeralPorts read(String pid, String[] problem) {
                return new EphemeralPorts(new PortRange(41000, 41999), ReservedPorts.NONE);
            }
        };
        Scanner.Result result = scan(Scanner.Target.allNamespaces(), foreign);
        assertEquals(List.of("net:[1]", "net:[2]"), result.namespaces.stream().map(n -> n.name).toList());
        NamespaceScan other = result.namespaces.get(1);
        assertEquals(List.of("risk-listen 0.0.0.0:41005 null 700 python3 not a JVM"), rows(other));
        assertEquals("reserve it with 'nsenter --net=/proc/700/ns/net sysctl -w net.ipv4.ip_local_reserved_ports=41005'"
                + " (persist it in /etc/sysctl.d), or move it out of 41000-41999", other.fix());
        assertEquals(5, result.namespaces.get(0).findings.size());

        NamespaceScan unknown = scan(Scanner.Target.process("700"), null).namespaces.get(0);
        assertNull(unknown.ports);
        assertEquals(List.of(), rows(unknown));
    }

    @Test
    void aNamespaceIsEnteredThroughItsOldestProcessesFirst() throws IOException {
        // pids wrap: the short-lived children of 700 may have lower numbers than 700 itself
        proc.process(700, "/usr/bin/python3 holder.py", 2, TcpTableTest.HEADER
                        + row("0.0.0.0:41005", "0.0.0.0:0", TcpSocket.LISTEN, 900), null)
                .socket(700, 3, 900).started(700, 900)
                .processIn(650, "/usr/bin/sleep 0", 2, 700).started(650, 100)
                .processIn(651, "/usr/bin/sleep 0", 2, 700).started(651, 5001)
                .processIn(652, "/usr/bin/sleep 0", 2, 700);
        List<String> entered = new java.util.ArrayList<>();
        ForeignSysctls foreign = new ForeignSysctls() {
            @Override
            EphemeralPorts read(String pid, String[] problem) {
                entered.add(pid);
                if (pid.equals("650")) {
                    // exits while nsenter enters through it
                    try (java.util.stream.Stream<Path> files = Files.walk(dir.resolve(pid))) {
                        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    problem[0] = "its ephemeral port range cannot be read (" + pid + " exited)";
                    return null;
                }
                return new EphemeralPorts(new PortRange(41000, 41999), ReservedPorts.NONE);
            }
        };
        Scanner.Result result = scan(Scanner.Target.allNamespaces(), foreign);
        assertEquals(List.of("650", "700"), entered);
        NamespaceScan other = result.namespaces.get(1);
        assertNull(other.portsProblem);
        assertEquals(List.of("risk-listen 0.0.0.0:41005 null 700 python3 not a JVM"), rows(other));
    }

    @Test
    void aNamespaceWhoseProcessesAllExitedIsReportedAndSkipped() throws IOException {
        proc.process(700, "/usr/bin/python3 other.py", 2, TcpTableTest.HEADER, null);
        Files.delete(dir.resolve("700/net/tcp"));
        Files.createDirectories(dir.resolve("700/net/tcp"));
        Scanner.Result result = scan(Scanner.Target.allNamespaces(), null);
        assertEquals(1, result.namespaces.size());
        assertEquals(List.of("a network namespace (pids 700) was left: its processes exited or hide their sockets"
                + " from this user"), result.problems);
    }

    @Test
    void aPidThatDoesNotExist() {
        assertEquals("there is no process 4242 whose sockets this user can see",
                scan(Scanner.Target.process("4242"), null).error);
    }
}
