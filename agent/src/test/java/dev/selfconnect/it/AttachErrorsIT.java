package dev.selfconnect.it;

import dev.selfconnect.it.AttachHarness.CliRun;
import dev.selfconnect.it.AttachHarness.Target;
import dev.selfconnect.it.ChildJvm.Jdk;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tool's clear errors: exit code 2, one line, no stack trace, and the JVM left alone. One target JVM serves them
 * all: a JDK 25 application started with -XX:-EnableDynamicAgentLoading, which also shows up in {@code list}.
 */
@Timeout(120)
class AttachErrorsIT {

    private static Jdk jdk17;
    private static Jdk jdk25;
    private static Target noDynamicAgents;

    @BeforeAll
    static void startTarget() {
        List<Jdk> jdks = ChildJvm.jdks();
        jdk17 = jdks.stream().filter(j -> j.name().equals("JDK 17")).findFirst().orElse(null);
        jdk25 = jdks.stream().filter(j -> j.name().equals("JDK 25")).findFirst().orElse(null);
        if (jdk25 != null) {
            noDynamicAgents = Target.plain(jdk25, "-XX:-EnableDynamicAgentLoading");
        }
    }

    @AfterAll
    static void stopTarget() {
        if (noDynamicAgents != null) {
            noDynamicAgents.close();
        }
    }

    private static Jdk cliJdk() {
        Assumptions.assumeTrue(jdk17 != null || jdk25 != null, "no JDK to run the tool on");
        return jdk17 != null ? jdk17 : jdk25;
    }

    private static Target target() {
        Assumptions.assumeTrue(noDynamicAgents != null, "JDK 25 is not installed");
        return noDynamicAgents;
    }

    @Test
    void jvmStartedWithoutDynamicAgentLoading() {
        String pid = Long.toString(target().pid);
        CliRun attach = AttachHarness.cli(jdk25, "attach", pid, "mode=throw");
        assertError(attach, "selfconnect: JVM " + pid + " was started with -XX:-EnableDynamicAgentLoading: it accepts "
                + "no agent while it runs");
        assertTrue(attach.stderr().contains("start it with -javaagent:"), attach::toString);
        CliRun list = AttachHarness.cli(jdk25, "list");
        assertEquals(0, list.exitCode(), list::toString);
        assertTrue(list.stdout().lines().anyMatch(l -> l.matches(pid + " +25\\S* +- \\(dynamic agents disabled\\) "
                + "+dev\\.selfconnect\\.scenarios\\.ConnectOnDemand")), list::toString);
        assertEquals("", target().stderr(), "nothing was loaded into the target");
    }

    @Test
    void processThatDoesNotExist() throws IOException {
        // No pid reaches pid_max.
        String pidMax;
        try (var in = Files.newBufferedReader(Paths.get("/proc/sys/kernel/pid_max"))) {
            pidMax = in.readLine().trim();
        }
        assertError(AttachHarness.cli(cliJdk(), "attach", pidMax, "mode=throw"),
                "selfconnect: there is no process with pid " + pidMax);
        assertError(AttachHarness.cli(cliJdk(), "status", "12ab"), "selfconnect: '12ab' is not a process id");
    }

    @Test
    void processThatIsNoJvmIsNotSignalled() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "60").start();
        try {
            assertError(AttachHarness.cli(cliJdk(), "attach", Long.toString(sleep.pid())),
                    "selfconnect: process " + sleep.pid() + " (sleep) is not a Java virtual machine");
            assertTrue(sleep.isAlive(), "the attach handshake's SIGQUIT would have ended it");
        } finally {
            sleep.destroy();
            sleep.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void jvmOfAnotherUser() throws Exception {
        String pid;
        List<String> asOtherUser;
        if ("root".equals(System.getProperty("user.name"))) {
            // root may attach to anyone's JVM: the tool runs as nobody against the target, which is root's.
            pid = Long.toString(target().pid);
            asOtherUser = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");
            Process check = new ProcessBuilder(asOtherUser.get(0), asOtherUser.get(1), asOtherUser.get(2),
                    asOtherUser.get(3), "sh", "-c", "test -r \"$0\" && test -x \"$1\"",
                    ChildJvm.AGENT_JAR.toAbsolutePath().toString(), cliJdk().java().toString())
                    .inheritIO().start();
            Assumptions.assumeTrue(check.waitFor(10, TimeUnit.SECONDS) && check.exitValue() == 0,
                    "user nobody cannot run " + cliJdk().java() + " -jar " + ChildJvm.AGENT_JAR);
        } else {
            pid = "1"; // init, root's
            asOtherUser = List.of();
        }
        CliRun run = AttachHarness.cli(cliJdk().java(), asOtherUser, "status", pid);
        assertError(run, "selfconnect: process " + pid + " (");
        assertTrue(run.stderr().contains(") belongs to root (uid 0), not to you (uid "), run::toString);
        assertTrue(run.stderr().contains("run this tool as that user: sudo java -jar "), run::toString);
    }

    @Test
    void badSettingsAndUsage() {
        assertError(AttachHarness.cli(cliJdk(), "attach", "1", "mode=banana"), "selfconnect: bad setting: invalid "
                + "value 'banana' for selfconnect.mode (argument mode=banana): expected log, throw or off");
        assertError(AttachHarness.cli(cliJdk(), "attach", "1", "throw"), "selfconnect: bad setting: argument "
                + "'throw' in 'throw' is not key=value");
        assertError(AttachHarness.cli(cliJdk(), "attach", "1", "colour=red"), "selfconnect: bad setting: unknown "
                + "setting 'colour'");
        assertError(AttachHarness.cli(cliJdk(), "attach", "1", "--mode=throw"), "selfconnect: unknown option "
                + "'--mode=throw' for attach");
        assertError(AttachHarness.cli(cliJdk(), "status"), "selfconnect: missing arguments for status: usage: "
                + "java -jar selfconnect.jar status PID");
        assertError(AttachHarness.cli(cliJdk(), "stop", "1"), "selfconnect: unknown command 'stop'");

        CliRun help = AttachHarness.cli(cliJdk(), "--help");
        assertEquals(0, help.exitCode(), help::toString);
        for (String command : List.of(" list ", " attach PID [KEY=VALUE ...] ", " status PID ", " detach PID ",
                "-XX:+EnableDynamicAgentLoading")) {
            assertTrue(help.stdout().contains(command), help::toString);
        }
        CliRun version = AttachHarness.cli(cliJdk(), "--version");
        assertEquals(0, version.exitCode(), version::toString);
        assertTrue(version.stdout().matches("selfconnect \\d+\\.\\d+\\.\\d+\\S* \\(.*\\)\\R"), version::toString);
    }

    /** A runtime without jdk.attach (jlinked, as a JRE is): the tool names the JDK to use, the target's own. */
    @Test
    void runtimeWithoutTheAttachModule() throws Exception {
        Path runtime = baseOnlyRuntime();
        String pid = Long.toString(target().pid);
        CliRun run = AttachHarness.cli(runtime.resolve("bin/java"), List.of(), "attach", pid, "mode=throw");
        assertError(run, "selfconnect: this Java runtime (" + runtime + ", Java ");
        assertTrue(run.stderr().contains("has no attach API: it lacks the jdk.attach module"), run::toString);
        assertTrue(run.stderr().contains("run this tool with the target's own JDK: " + jdk25.home().toRealPath()
                + "/bin/java -jar " + ChildJvm.AGENT_JAR.toAbsolutePath() + " attach " + pid + " mode=throw"),
                run::toString);
    }

    /** java.base alone, jlinked once into target/ (some 6 s) and kept for the next run. */
    private static Path baseOnlyRuntime() throws Exception {
        Jdk jdk = cliJdk();
        Path runtime = Paths.get("target/attach-it-runtime-java-base").toAbsolutePath();
        if (!Files.isExecutable(runtime.resolve("bin/java"))) {
            Path jlink = jdk.home().resolve("bin/jlink");
            Assumptions.assumeTrue(Files.isExecutable(jlink), "no jlink in " + jdk.home());
            Path partial = Paths.get(runtime + ".partial");
            new ProcessBuilder("rm", "-rf", partial.toString()).start().waitFor();
            Process process = new ProcessBuilder(jlink.toString(), "--add-modules", "java.base", "--output",
                    partial.toString()).inheritIO().start();
            assertTrue(process.waitFor(90, TimeUnit.SECONDS) && process.exitValue() == 0, "jlink failed");
            Files.move(partial, runtime);
        }
        return runtime;
    }

    private static void assertError(CliRun run, String messageStart) {
        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.stderr().startsWith(messageStart), () -> "expected '" + messageStart + "...'\n" + run);
        assertEquals(1, run.stderr().lines().count(), "one line:\n" + run);
        assertFalse(run.stderr().contains("\tat "), "no stack trace:\n" + run);
        assertEquals("", run.stdout(), run::toString);
    }
}
