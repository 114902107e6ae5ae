package dev.selfconnect.scan;

import dev.selfconnect.audit.StrictJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.selfconnect.scan.FakeProc.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command over a fake /proc: options, exit status, and each output parsed back. */
class ScanCommandTest {

    @TempDir
    Path dir;

    record Run(int status, String out, String err) {
    }

    private Run run(Path root, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ScanCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), root);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A self-connection held by a process whose command line holds quotes, a newline and a backslash. */
    private Path host() {
        Path root = dir.resolve("proc");
        new FakeProc(root).self(100)
                .process(100, "java scan", 1, TcpTableTest.HEADER
                        + row("127.0.0.1:40000", "127.0.0.1:40000", TcpSocket.ESTABLISHED, 500)
                        + row("0.0.0.0:40005", "0.0.0.0:0", TcpSocket.LISTEN, 501), TcpTableTest.HEADER6
                        + "   0: 00000000000000000000000001000000:9C47 00000000000000000000000000000000:0000 0A"
                        + " 00000000:00000000 00:00000000 00000000     0        0 502 1 0 100 0 0 10 0\n")
                .processIn(200, "/usr/bin/python3 -c x", 1, 100)
                .socket(200, 3, 500).socket(200, 4, 501).socket(200, 5, 502);
        FakeProc.write(root.resolve("200/cmdline"), "python3\0-c\0print(\"a\\b\")\nx\u0001\0");
        return root;
    }

    @Test
    void tableAndExitStatus() {
        Run run = run(host());
        assertEquals(1, run.status, run::toString);
        assertEquals("", run.err);
        List<String> lines = run.out.lines().toList();
        assertEquals("network namespace net:[1] (this process's): 3 TCP socket(s), ephemeral range 40000-40999,"
                + " reserved: 40001", lines.get(0));
        assertTrue(lines.get(1).matches("  KIND +LOCAL +REMOTE +PID +RUNTIME +CONTAINER +SERVICE +COMMAND"), lines.get(1));
        assertTrue(lines.get(2).matches("  self-connection +127\\.0\\.0\\.1:40000 +127\\.0\\.0\\.1:40000 +200 +not a"
                + " JVM +- +- +python3 -c print\\(\"a\\\\b\"\\)\\?x\\?"), lines.get(2));
        assertTrue(lines.get(4).matches("  risk-listen +\\[::1\\]:40007 +- +200 .*"), lines.get(4));
        assertEquals("  fix: reserve them with 'sysctl -w net.ipv4.ip_local_reserved_ports=40001,40000,40005,40007'"
                + " (persist it in /etc/sysctl.d), or move them out of 40000-40999", lines.get(5));
        assertTrue(lines.get(6).startsWith("summary: 1 network namespace(s), 1 live self-connection(s), 2 listener(s)"
                + " at risk, 0 client(s) of one, 0 with pid ?; "), lines.get(6));
    }

    @Test
    void nothingFoundIsStatusZero() {
        Path root = dir.resolve("clean");
        new FakeProc(root).self(100).process(100, "java scan", 1, TcpTableTest.HEADER
                + row("0.0.0.0:8080", "0.0.0.0:0", TcpSocket.LISTEN, 501), null);
        Run run = run(root);
        assertEquals(0, run.status, run::toString);
        assertEquals("nothing found in 1 network namespace(s) (1 TCP socket(s))", run.out.lines().findFirst()
                .orElseThrow(), run.out);
    }

    @Test
    void jsonLinesParseBackWithTheAuditFileFields() {
        Run run = run(host(), "--json");
        assertEquals(1, run.status, run::toString);
        List<Map<String, Object>> objects = run.out.lines().map(StrictJson::object).toList();
        assertEquals(3, objects.size());
        for (Map<String, Object> object : objects) {
            assertEquals(List.of("time", "kind", "local", "remote", "api", "thread", "process.pid", "message", "fix",
                    "frames", "command", "namespace", "uid", "state", "jvm", "agent"), new ArrayList<>(object.keySet()));
            assertEquals(200L, object.get("process.pid"));
            // control characters in a command line are shown as '?', on a terminal as in JSON
            assertEquals("python3 -c print(\"a\\b\")?x?", object.get("command"));
            assertEquals("net:[1]", object.get("namespace"));
            assertEquals(false, object.get("jvm"));
            assertTrue(object.get("time").toString().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
            assertEquals("reserve them with 'sysctl -w net.ipv4.ip_local_reserved_ports=40001,40000,40005,40007'"
                    + " (persist it in /etc/sysctl.d), or move them out of 40000-40999", object.get("fix"));
            assertTrue(object.get("message").toString().endsWith("; " + object.get("fix")));
        }
        assertEquals("self-connection", objects.get(0).get("kind"));
        assertEquals(Map.of("address", "127.0.0.1", "port", 40000L), withoutNulls(objects.get(0).get("local")));
        assertEquals(Map.of("address", "127.0.0.1", "port", 40000L), withoutNulls(objects.get(0).get("remote")));
        assertEquals("ESTABLISHED", objects.get(0).get("state"));
        assertEquals(Map.of("address", "::1", "port", 40007L), withoutNulls(objects.get(2).get("local")));
        assertEquals(null, objects.get(2).get("remote"));
        assertEquals(0L, objects.get(2).get("uid"));
    }

    private static Map<?, ?> withoutNulls(Object endpoint) {
        Map<Object, Object> copy = new LinkedHashMap<>((Map<?, ?>) endpoint);
        copy.values().removeIf(v -> v == null);
        return copy;
    }

    @Test
    void prometheusTextfileParsesBackAndIsReplacedAtomically() throws IOException {
        Path metrics = dir.resolve("textfile/selfconnect.prom");
        Files.createDirectories(metrics.getParent());
        Files.writeString(metrics, "old content\n");
        Run run = run(host(), "--prometheus", metrics.toString());
        assertEquals(1, run.status, run::toString);
        Map<String, Double> samples = PrometheusText.parse(Files.readString(metrics));
        assertEquals(1.0, samples.get("selfconnect_scan_findings{kind=self-connection}"));
        assertEquals(2.0, samples.get("selfconnect_scan_findings{kind=risk-listen}"));
        assertEquals(0.0, samples.get("selfconnect_scan_findings{kind=risk-connect}"));
        assertEquals(1.0, samples.get("selfconnect_scan_finding{kind=risk-listen,port=40007,container=,"
                + "k8s_namespace=,pod=,service=,command=python3}"));
        assertEquals(3.0, samples.get("selfconnect_scan_sockets"));
        assertEquals(0.0, samples.get("selfconnect_scan_namespaces_range_unknown"));
        // no label that changes with every restart or connect
        assertFalse(samples.keySet().stream().anyMatch(k -> k.contains("pid=") || k.contains("namespace=net:")),
                samples::toString);
        assertEquals(1.0, samples.get("selfconnect_scan_namespaces"));
        assertEquals(0.0, samples.get("selfconnect_scan_problems"));
        assertTrue(samples.get("selfconnect_scan_timestamp_seconds") > 1.7e9);
        try (var files = Files.list(metrics.getParent())) {
            assertEquals(List.of("selfconnect.prom"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void prometheusLabelsAreEscaped() {
        Path root = host();
        FakeProc.write(root.resolve("200/comm"), "a\"b\\c\n");
        Map<String, Double> samples = PrometheusText.parse(PrometheusOutput.text(
                new Scanner(new ProcFs(root), null).scan(Scanner.Target.current()), 0));
        assertTrue(samples.keySet().stream().anyMatch(k -> k.endsWith(",command=a\"b\\c}")), samples::toString);
    }

    private static final String CONTAINER = "3f4a9c0e1b2d4f6a8c0e1b2d4f6a8c0e1b2d4f6a8c0e1b2d4f6a8c0e1b2d4f6a";
    private static final String POD_UID = "2c48913c-b29f-11e7-9350-020000a3a9c8";

    /**
     * A JVM with the agent in a Kubernetes container: its container from its cgroup, its pod from the Downward API
     * variables, its service from its agent argument over OTEL_SERVICE_NAME; hostile text in its environment escaped.
     */
    private Path kubernetesHost() {
        Path root = dir.resolve("k8s");
        new FakeProc(root).self(100)
                .process(100, "java scan", 1, TcpTableTest.HEADER
                        + row("127.0.0.1:40000", "127.0.0.1:40000", TcpSocket.ESTABLISHED, 500)
                        + row("0.0.0.0:40005", "0.0.0.0:0", TcpSocket.LISTEN, 501), null)
                .processIn(300, "/usr/bin/java -Xmx1g -javaagent:/opt/selfconnect.jar=mode=log,service=orders-api"
                        + " -jar /app/orders.jar", 1, 100)
                .socket(300, 3, 500).agentJar(300, 4)
                .processIn(400, "/usr/bin/java -cp /app com.example.Batch", 1, 100)
                .socket(400, 3, 501).agentJar(400, 4);
        FakeProc.write(root.resolve("300/cgroup"), "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
                + POD_UID.replace('-', '_') + ".slice/cri-containerd-" + CONTAINER + ".scope\n");
        FakeProc.write(root.resolve("300/environ"), "PATH=/usr/bin\0OTEL_SERVICE_NAME=ignored\0K8S_POD_NAME=orders-7d9f\0"
                + "K8S_NAMESPACE_NAME=shop\0");
        FakeProc.write(root.resolve("400/cgroup"), "0::/\n");
        FakeProc.write(root.resolve("400/environ"), "OTEL_SERVICE_NAME=batch \"x\"\n[selfconnect] forged\0");
        return root;
    }

    @Test
    void findingsNameTheOwnersContainerPodAndService() throws IOException {
        Path root = kubernetesHost();
        Run table = run(root);
        assertEquals(1, table.status, table::toString);
        List<String> lines = table.out.lines().toList();
        assertEquals("network namespace net:[1] (this process's, pod shop/orders-7d9f): 2 TCP socket(s), ephemeral"
                + " range 40000-40999, reserved: 40001", lines.get(0), table.out);
        assertTrue(lines.get(2).matches("  self-connection .* 300 +JVM, agent loaded +3f4a9c0e1b2d +orders-api +"
                + "/usr/bin/java .*"), lines.get(2));
        assertTrue(lines.get(3).matches("  risk-listen .* 400 +JVM, agent loaded +- +\"batch \\\\\"x\\\\\"\\?\\[selfconnect\\]"
                + " forged\" +/usr/bin/java .*"), lines.get(3));
        assertEquals(6, lines.size(), table.out); // the owner's newline forged no line

        Run json = run(root, "--json");
        List<Map<String, Object>> objects = json.out.lines().map(StrictJson::object).toList();
        assertEquals("orders-api", objects.get(0).get("service.name"));
        assertEquals(CONTAINER, objects.get(0).get("container.id"));
        assertEquals("orders-7d9f", objects.get(0).get("k8s.pod.name"));
        assertEquals("shop", objects.get(0).get("k8s.namespace.name"));
        assertEquals(POD_UID, objects.get(0).get("k8s.pod.uid"));
        assertEquals("batch \"x\"?[selfconnect] forged", objects.get(1).get("service.name"));
        assertFalse(objects.get(1).containsKey("container.id"));

        Path metrics = dir.resolve("k8s.prom");
        run(root, "--prometheus", metrics.toString());
        Map<String, Double> samples = PrometheusText.parse(Files.readString(metrics));
        assertEquals(1.0, samples.get("selfconnect_scan_finding{kind=self-connection,port=40000,"
                + "container=3f4a9c0e1b2d,k8s_namespace=shop,pod=orders-7d9f,service=orders-api,command=java}"),
                samples::toString);
        assertEquals(1.0, samples.get("selfconnect_scan_finding{kind=risk-listen,port=40005,container=,"
                + "k8s_namespace=,pod=,service=batch \"x\"?[selfconnect] forged,command=java}"), samples::toString);
    }

    @Test
    void theServiceOfAJvmWithTheAgentFollowsTheAgentsRules() {
        Path root = dir.resolve("services");
        new FakeProc(root).self(100);
        FakeProc.write(root.resolve("1/cmdline"), "java\0-Dselfconnect.service=from-property\0-jar\0app.jar\0");
        FakeProc.write(root.resolve("2/cmdline"), "java\0-Dotel.service.name=otel-property\0-cp\0/x\0org.Main\0");
        FakeProc.write(root.resolve("3/cmdline"), "java\0-Xmx1g\0-jar\0/srv/billing-2.1.jar\0--port\0");
        FakeProc.write(root.resolve("4/cmdline"), "java\0org.Main\0");
        FakeProc.write(root.resolve("4/environ"), "JAVA_TOOL_OPTIONS=-javaagent:/x/selfconnect.jar=service=tool"
                + "\0SELFCONNECT_SERVICE=variable\0");
        ProcFs proc = new ProcFs(root);
        assertEquals("from-property", OwnerIdentity.of(proc, "1", true).service);
        assertEquals("otel-property", OwnerIdentity.of(proc, "2", true).service);
        assertEquals("billing-2.1", OwnerIdentity.of(proc, "3", true).service);
        assertEquals("tool", OwnerIdentity.of(proc, "4", true).service);
        assertEquals(null, OwnerIdentity.of(proc, "4", false).service);
        assertEquals(null, OwnerIdentity.of(proc, "5", true).containerId); // gone: nothing read, nothing thrown
    }

    @Test
    void badUsageIsStatusTwo() {
        Path root = host();
        for (String[] args : new String[][] {{"--bogus"}, {"--pid"}, {"--pid", "abc"}, {"--pid", "0"},
                {"--pid", "100", "--all-namespaces"}, {"--prometheus"}, {"--prometheus", "/no/such/dir/x.prom"}}) {
            Run run = run(root, args);
            assertEquals(2, run.status, () -> String.join(" ", args) + "\n" + run);
            assertTrue(run.err.startsWith("selfconnect scan: "), run.err);
            assertTrue(run.err.contains("usage: selfconnect scan"), run.err);
            assertEquals("", run.out);
        }
        Run gone = run(root, "--pid", "4242");
        assertEquals(2, gone.status, gone::toString);
        assertEquals("selfconnect scan: there is no process 4242 whose sockets this user can see\n", gone.err);
        Run help = run(root, "--help");
        assertEquals(0, help.status);
        assertTrue(help.out.startsWith("usage: selfconnect scan"));
        assertEquals(1, run(root, "scan", "--pid", "200").status);
    }

    @Test
    void nothingReadableIsStatusTwo() throws IOException {
        Path empty = dir.resolve("empty");
        Files.createDirectories(empty);
        Run run = run(empty);
        assertEquals(2, run.status, run::toString);
        assertTrue(run.err.contains("no network namespace could be read"), run.err);
        Run missing = run(dir.resolve("nowhere"));
        assertEquals(2, missing.status, missing::toString);
    }
}
