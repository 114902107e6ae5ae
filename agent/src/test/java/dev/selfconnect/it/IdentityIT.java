package dev.selfconnect.it;

import dev.selfconnect.audit.StrictJson;
import dev.selfconnect.identity.ContainerIds;
import dev.selfconnect.it.ChildJvm.Jdk;
import dev.selfconnect.it.ChildJvm.Result;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The process's identity in every sink of a real JVM with the real jar, on the oldest and newest JDK: the JSON Lines
 * record, the JFR event, the MBean, the status (the agent's marker, which {@code status} prints) and the summary's
 * first line, with the service from {@code OTEL_SERVICE_NAME} and the pod from the Downward API variables; then the
 * {@code service} setting over the environment, and hostile environment values that cannot forge a line.
 */
class IdentityIT {

    private static final int[] ON = {8, 25};
    private static final String POD = "orders-7d9f-x2v";
    private static final String NAMESPACE = "shop";

    @TempDir
    Path dir;

    @TestFactory
    List<DynamicNode> identityInEverySink() {
        List<DynamicNode> tests = new ArrayList<>();
        for (Jdk jdk : ChildJvm.jdks()) {
            for (int feature : ON) {
                if (jdk.feature() == feature) {
                    tests.add(DynamicTest.dynamicTest(jdk.name(), () -> everySink(jdk)));
                }
            }
        }
        tests.add(DynamicTest.dynamicTest("the service setting over the environment, hostile values escaped",
                this::settingAndHostileValues));
        return tests;
    }

    private void everySink(Jdk jdk) throws Exception {
        Path events = dir.resolve(jdk.feature() + ".jsonl");
        Path recording = dir.resolve(jdk.feature() + ".jfr");
        long before = System.currentTimeMillis();
        Result r = AuditJvm.on(jdk)
                .agent("audit.file=" + events)
                .jvmOption("-XX:StartFlightRecording=filename=" + recording + ",dumponexit=true")
                .env("OTEL_SERVICE_NAME", "orders-api")
                .env("K8S_POD_NAME", POD)
                .env("K8S_NAMESPACE_NAME", NAMESPACE)
                .run("identity");

        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.hasResult("self-connected 40990 -> 40990"), r::toString);
        long pid = Long.parseLong(result(r, "pid "));
        String host = Files.readString(Paths.get("/proc/sys/kernel/hostname")).trim();
        String version = version(r);
        String container = ContainerIds.find(read("/proc/self/cgroup"), read("/proc/self/mountinfo"));

        // JSON Lines: the OpenTelemetry attribute names, flat.
        List<String> lines = Files.readAllLines(events);
        // the connect to 40990 (a risk) and the self-connection
        assertEquals(2, lines.size(), String.join("\n", lines));
        for (String line : lines) {
            Map<String, Object> object = StrictJson.object(line);
            assertEquals("orders-api", object.get("service.name"), line);
            assertEquals(host, object.get("host.name"), line);
            assertEquals(pid, object.get("process.pid"), line);
            assertEquals(version, object.get("selfconnect.version"), line);
            assertEquals(POD, object.get("k8s.pod.name"), line);
            assertEquals(NAMESPACE, object.get("k8s.namespace.name"), line);
            assertEquals(container, object.get("container.id"), line);
            assertEquals(container != null, object.containsKey("container.id"), line);
            long started = Instant.parse((String) object.get("process.creation.time")).toEpochMilli();
            // /proc's start time counts in hundredths of a second from a boot time in whole seconds
            long recorded = Instant.parse((String) object.get("time")).toEpochMilli();
            assertTrue(started >= before - 2_000 && started <= recorded, line);
        }

        // JFR: the same identity in each event.
        int jfrEvents = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            if (!event.getEventType().getName().startsWith("dev.selfconnect.")) {
                continue;
            }
            jfrEvents++;
            assertEquals("orders-api", event.getString("serviceName"), event::toString);
            assertEquals(host, event.getString("hostName"), event::toString);
            assertEquals(pid, event.getLong("processPid"), event::toString);
            assertEquals(version, event.getString("agentVersion"), event::toString);
            assertEquals(POD, event.getString("k8sPodName"), event::toString);
            assertEquals(NAMESPACE, event.getString("k8sNamespaceName"), event::toString);
            assertEquals(container, event.getString("containerId"), event::toString);
            assertTrue(event.getInstant("processStartTime").toEpochMilli() >= before - 2_000, event::toString);
        }
        assertEquals(2, jfrEvents, r::toString);

        // The MBean, as the application reads it from the platform MBean server.
        assertEquals("orders-api", AuditJvm.mbean(r, "ServiceName"), r::toString);
        assertEquals(host, AuditJvm.mbean(r, "HostName"));
        assertEquals(String.valueOf(pid), AuditJvm.mbean(r, "ProcessPid"));
        assertEquals(POD, AuditJvm.mbean(r, "K8sPodName"));
        assertEquals(NAMESPACE, AuditJvm.mbean(r, "K8sNamespaceName"));
        assertEquals(container == null ? "" : container, AuditJvm.mbean(r, "ContainerId"));
        String identity = "service.name=orders-api host.name=" + host + " process.pid=" + pid;
        assertTrue(AuditJvm.mbean(r, "Identity").startsWith(identity + " process.creation.time="), r::toString);
        assertTrue(AuditJvm.mbean(r, "Identity").endsWith(" k8s.pod.name=" + POD + " k8s.namespace.name="
                + NAMESPACE + " selfconnect.version=" + version), r::toString);

        // The status (the agent's marker, which 'selfconnect.jar status PID' prints as it is).
        assertEquals("identity: " + AuditJvm.mbean(r, "Identity"), result(r, "status "), r::toString);

        // The summary's first line ends with the short identity.
        String first = r.agentLines("SUMMARY").get(0);
        assertTrue(first.startsWith("[selfconnect] SUMMARY 1 self-connection(s), 1 risk finding(s)"), r::toString);
        assertTrue(first.endsWith("; " + identity + (container == null ? "" : " container.id="
                + ContainerIds.shortId(container)) + " k8s.namespace.name=" + NAMESPACE + " k8s.pod.name=" + POD
                + " selfconnect.version=" + version), r::toString);
    }

    private void settingAndHostileValues() throws Exception {
        Jdk jdk = ChildJvm.jdks().get(ChildJvm.jdks().size() - 1);
        Path events = dir.resolve("hostile.jsonl");
        String forged = "x\n[selfconnect] SUMMARY 0 self-connection(s)";
        Result r = AuditJvm.on(jdk)
                .agent("audit.file=" + events + ",service=checkout")
                .env("OTEL_SERVICE_NAME", "orders-api")
                .env("K8S_POD_NAME", forged)
                .env("POD_NAMESPACE", "a b=c \"d\"")
                .run("identity");

        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.agentLines("INFO").get(0).contains(", service=checkout;"), r::toString);
        for (String line : Files.readAllLines(events)) {
            Map<String, Object> object = StrictJson.object(line);
            assertEquals("checkout", object.get("service.name"), line);
            assertEquals("x?[selfconnect] SUMMARY 0 self-connection(s)", object.get("k8s.pod.name"), line);
            assertEquals("a b=c \"d\"", object.get("k8s.namespace.name"), line);
        }
        assertEquals("checkout", AuditJvm.mbean(r, "ServiceName"), r::toString);
        // one summary line per finding and the counts: the pod's newline forged none
        List<String> summary = r.agentLines("SUMMARY");
        assertFalse(summary.stream().anyMatch(l -> l.startsWith("[selfconnect] SUMMARY 0 ")), r::toString);
        assertTrue(summary.get(0).contains(" service.name=checkout "), r::toString);
        assertTrue(summary.get(0).contains(" k8s.namespace.name=\"a b=c \\\"d\\\"\" k8s.pod.name=\"x?[selfconnect]"
                + " SUMMARY 0 self-connection(s)\" "), r::toString);
        assertTrue(result(r, "status ").startsWith("identity: service.name=checkout "), r::toString);
    }

    private static String result(Result r, String prefix) {
        String full = "RESULT " + prefix;
        String line = r.results().stream().filter(l -> l.startsWith(full)).findFirst().orElse(null);
        assertNotNull(line, () -> "no " + full + " in " + r);
        return line.substring(full.length());
    }

    /** The version the startup line names: "[selfconnect] INFO selfconnect VERSION active on Java ...". */
    private static String version(Result r) {
        String info = r.agentLines("INFO").get(0);
        String start = "[selfconnect] INFO selfconnect ";
        return info.substring(start.length(), info.indexOf(" active on Java "));
    }

    private static String read(String file) {
        try {
            return Files.readString(Paths.get(file));
        } catch (java.io.IOException e) {
            return null;
        }
    }

}
