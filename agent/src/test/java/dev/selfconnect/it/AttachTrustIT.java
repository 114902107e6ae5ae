package dev.selfconnect.it;

import dev.selfconnect.it.AttachHarness.CliRun;
import dev.selfconnect.it.AttachHarness.Target;
import dev.selfconnect.it.ChildJvm.Jdk;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attach tool run as root against JVMs whose owners are not to be trusted: another user (uid 65534) who points
 * the JVM's temporary directory at a directory of root's; a JVM in a mount namespace of its own whose temporary
 * directory is a link to a host directory; a JVM whose own class path carries a forged agent class; a JVM whose jar
 * name carries terminal escape sequences; and an attach argument longer than the JVM's attach channel takes.
 */
@Timeout(300)
class AttachTrustIT {

    private static final int NOBODY = 65534;
    private static final String FORGED = "FORGED: selfconnect active, everything protected";

    @TempDir
    Path temp;

    @TestFactory
    List<DynamicNode> trust() {
        List<DynamicNode> nodes = new ArrayList<>();
        List<Jdk> jdks = ChildJvm.jdks();
        Jdk jdk25 = jdks.stream().filter(j -> j.feature() == 25).findFirst().orElse(null);
        for (Jdk jdk : jdks) {
            nodes.add(DynamicTest.dynamicTest(jdk + ": root attaching to uid 65534's JVM whose java.io.tmpdir is a "
                    + "root-owned directory writes nothing there", () -> anotherUsersTemporaryDirectory(jdk)));
            nodes.add(DynamicTest.dynamicTest(jdk + ": a JVM in its own mount namespace, its tmpdir a link to a host "
                    + "directory, gets the jar copy in its own /tmp, removed after the load; the host directory "
                    + "stays empty (tool on JDK 25)", () -> ownMountNamespace(jdk, jdk25)));
            nodes.add(DynamicTest.dynamicTest(jdk + ": a forged agent class on the JVM's class path is not taken for "
                    + "the agent", () -> forgedReply(jdk)));
            nodes.add(DynamicTest.dynamicTest(jdk + ": list, attach and status print a jar name with ESC and BEL "
                    + "escaped", () -> escapedJarName(jdk)));
            nodes.add(DynamicTest.dynamicTest(jdk + ": a 2,400-character attach argument works or says the limit "
                    + "in one line", () -> longArgument(jdk)));
        }
        return nodes;
    }

    private void anotherUsersTemporaryDirectory(Jdk jdk) throws Exception {
        ChildJvm.requireRoot("attaching to another user's JVM needs root");
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path rootsDirectory = Files.createDirectory(temp.resolve(jdk.name().replace(' ', '-') + "-root-owned"));
        Files.setPosixFilePermissions(rootsDirectory, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (WatchService watch = FileSystems.getDefault().newWatchService();
             Target app = Target.through(jdk, List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
                     "--clear-groups"), AttachHarness.TEST_CLASSES.toString(),
                     "-Djava.io.tmpdir=" + rootsDirectory)) {
            WatchKey key = rootsDirectory.register(watch, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
            String pid = Long.toString(app.pid);

            CliRun attach = AttachHarness.cli(jdk, "attach", pid);
            if (jdk.feature() == 8) {
                // Java 8's attach listener answers its own uid only: root is refused before anything is loaded.
                assertEquals(2, attach.exitCode(), attach::toString);
                assertTrue(attach.stderr().contains(" does not accept attach requests ("), attach::toString);
            } else {
                assertEquals(0, attach.exitCode(), attach::toString);
                assertTrue(attach.stdout().contains(" active on Java " + jdk.versionPrefix()), attach::toString);
                CliRun status = AttachHarness.cli(jdk, "status", pid);
                assertEquals(0, status.exitCode(), status::toString);
                CliRun detach = AttachHarness.cli(jdk, "detach", pid);
                assertEquals(0, detach.exitCode(), detach::toString);
                assertTrue(detach.stdout().contains(" detached"), detach::toString);
            }

            try (Stream<Path> left = Files.list(rootsDirectory)) {
                assertEquals(List.of(), left.toList(), "files left in the target's java.io.tmpdir");
            }
            List<String> events = key.pollEvents().stream().map(e -> e.kind() + " " + e.context())
                    .collect(Collectors.toList());
            assertEquals(List.of(), events, "nothing may be created there, not even for a moment\n" + app);
        }
    }

    private void ownMountNamespace(Jdk jdk, Jdk jdk25) throws Exception {
        ChildJvm.requireRoot("a mount namespace of the target's own needs root");
        Assumptions.assumeTrue(jdk25 != null, "needs JDK 25 for the tool");
        Assumptions.assumeFalse(jdk.home().toAbsolutePath().startsWith("/tmp"),
                "the JDK is under /tmp, which the target's private /tmp would hide");
        // The tool runs from a copy of its jar under the host's /tmp, which the target's own /tmp hides: it needs a
        // copy. Its java.io.tmpdir is an absolute link: inside the namespace it leads to a directory of the
        // namespace's own /tmp, read from the host through /proc/PID/root it leads into the host's directory.
        Path hostSide = Files.createTempDirectory(Paths.get("/tmp"), "selfconnect-trust-");
        try {
            Files.setPosixFilePermissions(hostSide, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path jar = Files.copy(ChildJvm.AGENT_JAR, hostSide.resolve("selfconnect.jar"));
            Path hostDirectory = Files.createDirectory(hostSide.resolve("host-directory"));
            Files.setPosixFilePermissions(hostDirectory, PosixFilePermissions.fromString("rwxrwxrwx"));
            List<String> prefix = List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                    "mount --bind \"$SC_CLASSES\" /mnt && mount -t tmpfs tmpfs /tmp && mkdir -p '" + hostDirectory
                            + "' && ln -s '" + hostDirectory + "' /tmp/link && exec \"$@\"", "sh");
            try (WatchService watch = FileSystems.getDefault().newWatchService();
                 Target app = Target.through(jdk, prefix, "/mnt", "-Djava.io.tmpdir=/tmp/link")) {
                WatchKey key = hostDirectory.register(watch, StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
                String pid = Long.toString(app.pid);
                Path namespaceTmp = Paths.get("/proc", pid, "root", "tmp");
                assertTrue(Files.isSameFile(namespaceTmp.resolve("link"), hostDirectory),
                        "the set-up: seen from the host, the target's tmpdir leads into the host directory");
                assertFalse(Files.exists(Paths.get("/proc", pid, "root").resolve(jar.toString().substring(1))),
                        "the set-up: the target does not see the tool's jar");

                CliRun attach = AttachHarness.cli(jdk25.java(), List.of(), jar, "attach", pid, "mode=throw");
                assertEquals(0, attach.exitCode(), attach::toString);
                assertTrue(attach.stdout().contains(" active on Java " + jdk.versionPrefix()), attach::toString);
                assertEquals(List.of(), agentCopies(namespaceTmp), "copies left in the namespace's /tmp");
                CliRun status = AttachHarness.cli(jdk25.java(), List.of(), jar, "status", pid);
                assertEquals(0, status.exitCode(), status::toString);
                assertTrue(status.stdout().contains("settings: mode=throw"), status::toString);
                CliRun detach = AttachHarness.cli(jdk25.java(), List.of(), jar, "detach", pid);
                assertEquals(0, detach.exitCode(), detach::toString);
                assertTrue(detach.stdout().contains(" detached"), detach::toString);
                assertEquals(List.of(), agentCopies(namespaceTmp), "copies left in the namespace's /tmp");

                try (Stream<Path> left = Files.list(hostDirectory)) {
                    assertEquals(List.of(), left.toList(), "files written into the host directory");
                }
                assertEquals(List.of(), key.pollEvents().stream().map(e -> e.kind() + " " + e.context()).toList(),
                        "nothing may be created in the host directory, not even for a moment");
            }
        } finally {
            ChildJvm.command("rm", "-rf", hostSide.toString());
        }
    }

    private static List<String> agentCopies(Path namespaceTmp) throws IOException {
        try (Stream<Path> files = Files.list(namespaceTmp)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("selfconnect-agent-"))
                    .toList();
        }
    }

    private void forgedReply(Jdk jdk) throws Exception {
        Path hostile = forgedAgentClasses();
        try (Target app = Target.through(jdk, List.of(), hostile + ":" + AttachHarness.TEST_CLASSES)) {
            String pid = Long.toString(app.pid);

            // The forged class answers with the very request id it was sent.
            CliRun echoed = AttachHarness.cli(jdk, "attach", pid, "mode=throw");
            assertEquals(2, echoed.exitCode(), echoed::toString);
            assertEquals("", echoed.stdout(), echoed::toString);
            assertTrue(echoed.stderr().contains("answered, but not as selfconnect's agent can be recognised: the JVM "
                    + "did not open the agent jar this tool gave it"), echoed::toString);
            assertNoTerminalControl(echoed);

            // Then with an id of its own choosing: not this request's answer.
            CliRun otherId = AttachHarness.cli(jdk, "attach", pid, "mode=throw");
            assertEquals(2, otherId.exitCode(), otherId::toString);
            assertEquals("", otherId.stdout(), otherId::toString);
            assertTrue(otherId.stderr().contains("answered, but not as selfconnect's agent can be recognised: it is "
                    + "not the agent's answer to this request"), otherId::toString);
            assertNoTerminalControl(otherId);
        }
    }

    /**
     * A class named as the agent's entry point, on the target's own class path ahead of the tool's jar: the first
     * time it is loaded it answers in the reply property with the id it was sent, then with an id of its own; its text
     * carries an escape sequence that would clear the screen.
     */
    private Path forgedAgentClasses() throws IOException {
        Path sources = Files.createDirectories(temp.resolve("forged-src/dev/selfconnect/agent"));
        Path classes = Files.createDirectories(temp.resolve("forged-classes"));
        Path source = sources.resolve("SelfConnectAgent.java");
        Files.writeString(source, """
                package dev.selfconnect.agent;

                public final class SelfConnectAgent {
                    private static int calls;

                    public static void agentmain(String arguments, java.lang.instrument.Instrumentation i) {
                        String id = "0000";
                        for (String piece : arguments.split(",")) {
                            if (piece.startsWith("id=") && calls == 0) {
                                id = piece.substring(3);
                            }
                        }
                        calls++;
                        System.setProperty("dev.selfconnect.agent.reply", "selfconnect-reply " + id
                                + " installed\\n\\u001b[2J%s");
                    }
                }
                """.formatted(FORGED));
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        int result = compiler.run(null, null, null, "--release", "8", "-d", classes.toString(), source.toString());
        assertEquals(0, result, "compiling the forged agent class");
        Files.walk(classes).forEach(p -> p.toFile().setReadable(true, false));
        return classes;
    }

    private void escapedJarName(Jdk jdk) throws Exception {
        Path jar = temp.resolve(jdk.name().replace(' ', '-') + "-app\u001b[2J\u001b]0;owned\u0007.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "dev.selfconnect.scenarios.ConnectOnDemand");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, AttachHarness.TEST_CLASSES.toUri().toString());
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(out,
                manifest)) {
            // the manifest is all it holds
        }
        try (Target app = Target.through(jdk, List.of(), ".", "-jar", jar.toString())) {
            String pid = Long.toString(app.pid);
            CliRun attach = AttachHarness.cli(jdk, "attach", pid);
            assertEquals(0, attach.exitCode(), attach::toString);
            assertNoTerminalControl(attach);
            assertTrue(attach.stdout().contains("-app\\x1b[2J\\x1b]0;owned\\x07.jar"), attach::toString);

            CliRun list = AttachHarness.cli(jdk, "list");
            assertEquals(0, list.exitCode(), list::toString);
            assertNoTerminalControl(list);
            String row = list.stdout().lines().filter(l -> l.startsWith(pid + " ")).findFirst().orElse("");
            assertTrue(row.contains("active (mode=log)") && row.endsWith("-app\\x1b[2J\\x1b]0;owned\\x07.jar"),
                    list::toString);

            CliRun status = AttachHarness.cli(jdk, "status", pid);
            assertEquals(0, status.exitCode(), status::toString);
            assertNoTerminalControl(status);
            AttachHarness.cli(jdk, "detach", pid);
        }
    }

    private void longArgument(Jdk jdk) throws Exception {
        String ignore = "ignore=" + IntStream.range(20000, 20400).mapToObj(Integer::toString)
                .collect(Collectors.joining(","));
        assertTrue(ignore.length() >= 2400 && ignore.length() < 2500, "the set-up: " + ignore.length());
        try (Target app = Target.plain(jdk)) {
            String pid = Long.toString(app.pid);
            CliRun attach = AttachHarness.cli(jdk, "attach", pid, ignore);
            if (jdk.atLeast(25)) {
                // A tool on Java 25 and a JVM on Java 25 speak the attach protocol that carries long arguments.
                assertEquals(0, attach.exitCode(), attach::toString);
                assertTrue(attach.stdout().contains("ignore=20000"), attach::toString);
            } else {
                assertEquals(2, attach.exitCode(), attach::toString);
                assertEquals(1, attach.stderr().lines().count(), attach::toString);
                assertTrue(attach.stderr().startsWith("selfconnect: the settings are too long for JVM " + pid
                        + "'s attach channel: "), attach::toString);
                assertTrue(attach.stderr().contains("at most 1024") && attach.stderr().contains("ignore=@FILE")
                        && attach.stderr().contains("-Dselfconnect.ignore="), attach::toString);
                assertFalse(attach.stderr().contains("Premature EOF"), attach::toString);
                assertFalse(app.stderr().contains("[selfconnect]"), "nothing reached the JVM\n" + app);
            }
        }
    }

    /** No ESC, BEL or other C0 control but line breaks and tabs, no DEL, no C1 control in anything the tool printed. */
    private static void assertNoTerminalControl(CliRun run) {
        for (String text : List.of(run.stdout(), run.stderr())) {
            for (char c : text.toCharArray()) {
                boolean control = c < 0x20 && c != '\n' && c != '\t' || c >= 0x7f && c <= 0x9f;
                assertFalse(control, "control character " + (int) c + " printed\n" + run);
            }
        }
        assertFalse(run.stdout().contains(FORGED) && !run.stderr().isEmpty() && run.exitCode() == 0,
                "a forged answer shown as the agent's\n" + run);
    }
}
