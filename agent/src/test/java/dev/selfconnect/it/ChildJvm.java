package dev.selfconnect.it;

import dev.selfconnect.testsupport.ChildProcess;
import dev.selfconnect.testsupport.JvmCommand;
import dev.selfconnect.testsupport.JvmResult;
import dev.selfconnect.testsupport.NetworkNamespace;
import dev.selfconnect.testsupport.Preconditions;
import dev.selfconnect.testsupport.TestJdk;
import dev.selfconnect.testsupport.TestJdks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Runs an application in a fresh JVM of a given JDK, with the real selfconnect.jar, inside a private network
 * namespace ({@code unshare -rn}) whose ephemeral port range the test chooses: connecting to a port of a one-port
 * range self-connects on the first attempt. The agent module's face of test-support ({@link JvmCommand}).
 */
final class ChildJvm {

    static final Path AGENT_JAR = Paths.get(System.getProperty("selfconnect.test.agentJar", "target/selfconnect.jar"));
    private static final Path TEST_CLASSES = Paths.get("target/test-classes").toAbsolutePath();
    private static final String SCENARIOS = "dev.selfconnect.scenarios.ConnectScenarios";
    /** How the one line about a bad setting ends. */
    static final String STOPS = "; the JVM stops here, as it does for a bad -XX option: fix the setting or remove"
            + " -javaagent:selfconnect.jar";
    /** How the startup line ends on every JDK the tests run: what the agent protects there. */
    static final String PROTECTS = "; protects Socket, SocketChannel, AsynchronousSocketChannel";

    private final JvmCommand command;

    private ChildJvm(Jdk jdk) {
        this.command = JvmCommand.on(jdk);
    }

    /**
     * A JDK the tests run the agent on ({@link TestJdk}): where the machine lacks it, the first use of its home
     * skips the test with the reason (under CI=true fails it).
     */
    static final class Jdk extends TestJdk {
        Jdk(int feature, Path home) {
            super(TestJdk.at(feature, home));
        }

        private Jdk(TestJdk jdk) {
            super(jdk);
        }
    }

    static final int[] FEATURES = TestJdks.ALL;

    /**
     * The JDKs the tests run the agent on, each listed whether this machine has it or not ({@link TestJdks}): a
     * missing one skips, with the reason, the tests that use it (fails them under CI).
     */
    static List<Jdk> jdks() {
        List<Jdk> jdks = new ArrayList<>();
        for (TestJdk jdk : TestJdks.find(FEATURES)) {
            jdks.add(new Jdk(jdk));
        }
        return jdks;
    }

    static ChildJvm on(Jdk jdk) {
        ChildJvm jvm = new ChildJvm(jdk);
        requireNamespaces();
        return jvm;
    }

    ChildJvm agent(String arguments) {
        command.option("-javaagent:" + AGENT_JAR.toAbsolutePath() + (arguments == null ? "" : "=" + arguments));
        return this;
    }

    ChildJvm jvmOption(String option) {
        command.option(option);
        return this;
    }

    ChildJvm env(String name, String value) {
        command.env(name, value);
        return this;
    }

    ChildJvm portRange(String range) {
        command.portRange(range);
        return this;
    }

    /** Extra shell commands run as root in the namespace before the JVM starts (interfaces, routes). */
    ChildJvm namespaceSetup(String commands) {
        command.namespaceSetup(commands);
        return this;
    }

    Result runScenario(String... arguments) {
        return new Result(command.main(TEST_CLASSES.toString(), SCENARIOS, Arrays.asList(arguments)).run());
    }

    /** Starts the process, collects its output, and fails the test if it runs longer than the hang bound. */
    static Result run(ProcessBuilder builder) {
        return new Result(ChildProcess.run(builder));
    }

    static void requireNamespaces() {
        NetworkNamespace.require();
    }

    /**
     * A precondition of a test: where it does not hold the test is skipped with the reason, except under CI=true,
     * where it fails with it.
     */
    static void require(boolean holds, String what, String why) {
        Preconditions.require(holds, what, why);
    }

    /** Root, for a test that acts as another user. */
    static void requireRoot(String why) throws IOException {
        require(Integer.valueOf(0).equals(Files.getAttribute(Paths.get("/proc/self"), "unix:uid")),
                "not root", why);
    }

    /** Runs a command that must succeed. */
    static void command(String... command) {
        Result r = run(new ProcessBuilder(command));
        assertEquals(0, r.exitCode(), r::toString);
    }

    /** A finished child JVM ({@link JvmResult}). */
    static final class Result extends JvmResult {
        Result(List<String> command, int exitCode, String stdout, String stderr) {
            super(command, exitCode, stdout, stderr);
        }

        private Result(JvmResult result) {
            super(result);
        }
    }
}
