package dev.selfconnect.it;

import dev.selfconnect.audit.StrictJson;
import dev.selfconnect.it.ChildJvm.Jdk;
import dev.selfconnect.it.ChildJvm.Result;
import dev.selfconnect.testsupport.ChildProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The JSON Lines file into a real log shipper: syslog-ng, in the foreground with the configuration docs/install.md
 * shows (its two paths moved into a temporary directory, its persist and control files there too), follows the file
 * that a JVM with the real jar writes while syslog-ng runs, and ships each record with the identity under the agent's
 * own field names.
 */
class LogShipperIT {

    private static final String CONFIGURATION = "selfconnect-syslog-ng.conf";
    private static final String AUDIT_FILE_IN_CONFIGURATION = "/var/log/myapp/selfconnect.jsonl";
    private static final String SHIPPED_FILE_IN_CONFIGURATION = "/var/log/selfconnect/events.jsonl";
    private static final Path INSTALL_GUIDE = Paths.get("../docs/install.md");
    private static final List<Path> SYSLOG_NG_PLACES = List.of(Paths.get("/usr/sbin/syslog-ng"),
            Paths.get("/sbin/syslog-ng"), Paths.get("/usr/local/sbin/syslog-ng"));
    private static final long SHIPPING_BOUND_MILLIS = 30_000;
    private static final String POD = "orders-7d9f-x2v";
    private static final String NAMESPACE = "shop";

    @TempDir
    Path dir;

    @Test
    void syslogNgShipsEachRecordWithTheIdentity() throws Exception {
        Path syslogNg = syslogNg();
        List<Jdk> jdks = ChildJvm.jdks();
        Jdk jdk = jdks.get(jdks.size() - 1);
        jdk.require();
        AuditJvm jvm = AuditJvm.on(jdk);

        Path audit = Files.createDirectory(dir.resolve("audit"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path shipper = Files.createDirectory(dir.resolve("shipper"));
        Path events = audit.resolve("selfconnect.jsonl");
        Path shipped = shipper.resolve("events.jsonl");
        Path configuration = shipper.resolve("syslog-ng.conf");
        Files.writeString(configuration, replaceOnce(replaceOnce(configuration(),
                AUDIT_FILE_IN_CONFIGURATION, events.toString()), SHIPPED_FILE_IN_CONFIGURATION, shipped.toString()));

        Process process = new ProcessBuilder(syslogNg.toString(), "--foreground", "--no-caps",
                "--cfgfile=" + configuration, "--persist-file=" + shipper.resolve("syslog-ng.persist"),
                "--control=" + shipper.resolve("syslog-ng.ctl"), "--pidfile=" + shipper.resolve("syslog-ng.pid"))
                .redirectErrorStream(true).start();
        process.getOutputStream().close();
        CompletableFuture<String> output = ChildProcess.drain(process.getInputStream());
        Result r;
        try {
            // syslog-ng runs before the file exists: it follows the file from its creation on.
            r = jvm.agent("audit.file=" + events)
                    .env("OTEL_SERVICE_NAME", "orders-api")
                    .env("K8S_POD_NAME", POD)
                    .env("K8S_NAMESPACE_NAME", NAMESPACE)
                    .run("identity");
            assertEquals(0, r.exitCode(), r::toString);
            awaitLines(shipped, 2, process, output);
        } finally {
            stop(process);
        }
        String shipperOutput = output.get(10, TimeUnit.SECONDS);

        List<String> written = Files.readAllLines(events);
        // the connect to 40990 (a risk) and the self-connection
        assertEquals(2, written.size(), r::toString);
        Map<String, Map<String, Object>> writtenByKind = new HashMap<>();
        for (String line : written) {
            Map<String, Object> record = StrictJson.object(line);
            writtenByKind.put((String) record.get("kind"), record);
        }
        String host = Files.readString(Paths.get("/proc/sys/kernel/hostname")).trim();
        String version = version(r);
        String pid = result(r, "pid ");

        List<String> lines = Files.readAllLines(shipped);
        assertEquals(2, lines.size(), () -> "shipped:\n" + String.join("\n", lines) + "\nsyslog-ng:\n" + shipperOutput);
        Set<String> kinds = new TreeSet<>();
        for (String line : lines) {
            Map<String, Object> record = StrictJson.object(line);
            kinds.add((String) record.get("kind"));
            assertEquals("orders-api", record.get("service.name"), line);
            assertEquals(host, record.get("host.name"), line);
            assertEquals(version, record.get("selfconnect.version"), line);
            // syslog-ng 3.38 ships every value as text
            assertEquals(pid, String.valueOf(record.get("process.pid")), line);
            assertEquals(POD, record.get("k8s.pod.name"), line);
            assertEquals(NAMESPACE, record.get("k8s.namespace.name"), line);
            Map<String, Object> original = writtenByKind.get((String) record.get("kind"));
            assertNotNull(original, line);
            for (String key : Arrays.asList("time", "api", "thread", "process.creation.time", "message", "fix")) {
                assertEquals(original.get(key), record.get(key), key + " in " + line);
            }
        }
        assertEquals(new TreeSet<>(writtenByKind.keySet()), kinds, () -> String.join("\n", lines));
        assertEquals(Set.of("risk-connect", "self-connection"), kinds);
    }

    @Test
    void theInstallGuideShowsThisConfiguration() throws IOException {
        String configuration = configuration();
        assertTrue(Files.readString(INSTALL_GUIDE).contains("```\n" + configuration + "```\n"),
                () -> INSTALL_GUIDE + " shows another syslog-ng configuration than the one this test runs:\n"
                        + configuration);
    }

    /** syslog-ng's program, on the PATH or where Debian puts it. */
    private static Path syslogNg() {
        List<Path> places = new ArrayList<>();
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!entry.isEmpty()) {
                places.add(Paths.get(entry, "syslog-ng"));
            }
        }
        places.addAll(SYSLOG_NG_PLACES);
        Path found = places.stream().filter(Files::isExecutable).findFirst().orElse(null);
        ChildJvm.require(found != null, "syslog-ng is missing",
                "the log shipper test runs the real syslog-ng (Debian's syslog-ng-core, which .ci/run installs)");
        return found;
    }

    private static String configuration() throws IOException {
        try (InputStream in = LogShipperIT.class.getResourceAsStream(CONFIGURATION)) {
            assertNotNull(in, CONFIGURATION);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String replaceOnce(String text, String what, String with) {
        int at = text.indexOf(what);
        assertTrue(at >= 0 && text.indexOf(what, at + 1) < 0, () -> "not exactly one " + what + " in:\n" + text);
        return text.substring(0, at) + with + text.substring(at + what.length());
    }

    /** Waits until the file holds that many whole lines; fails if syslog-ng exits or the bound passes first. */
    private static void awaitLines(Path file, int count, Process process, CompletableFuture<String> output)
            throws Exception {
        long deadline = System.currentTimeMillis() + SHIPPING_BOUND_MILLIS;
        while (wholeLines(file) < count) {
            if (!process.isAlive()) {
                fail("syslog-ng exited with " + process.exitValue() + " before shipping " + count + " records:\n"
                        + output.get(10, TimeUnit.SECONDS));
            }
            if (System.currentTimeMillis() > deadline) {
                fail("syslog-ng shipped " + wholeLines(file) + " of " + count + " records in "
                        + SHIPPING_BOUND_MILLIS + " ms");
            }
            Thread.sleep(100);
        }
    }

    private static long wholeLines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        return Files.readString(file).chars().filter(c -> c == '\n').count();
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
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
}
