package dev.selfconnect.it;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs an application in a fresh JVM of a given JDK, with the real selfconnect.jar, inside a private network
 * namespace ({@code unshare -rn}) whose ephemeral port range the test chooses: connecting to a port of a one-port
 * range self-connects on the first attempt.
 */
final class ChildJvm {

    static final Path AGENT_JAR = Paths.get(System.getProperty("selfconnect.test.agentJar", "target/selfconnect.jar"));
    private static final Path TEST_CLASSES = Paths.get("target/test-classes").toAbsolutePath();
    private static final boolean CI = "true".equalsIgnoreCase(System.getenv("CI"));
    private static final long TIMEOUT_SECONDS = 120;
    /** How the startup line ends on every JDK the tests run: what the agent protects there. */
    /** How the one line about a bad setting ends. */
    static final String STOPS = "; the JVM stops here, as it does for a bad -XX option: fix the setting or remove"
            + " -javaagent:selfconnect.jar";
    static final String PROTECTS = "; protects Socket, SocketChannel, AsynchronousSocketChannel";

    private final Jdk jdk;
    private final List<String> jvmOptions = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private String portRange = "40000 40000";
    private String namespaceSetup = "";

    private ChildJvm(Jdk jdk) {
        this.jdk = jdk;
    }

    /**
     * A JDK the tests run the agent on: its feature version and its home, whose bin/java runs as it is (the
     * provisioning script makes the JDKs that need a newer C library than the machine's run that way).
     */
    record Jdk(int feature, Path home) {
        Path java() {
            return home.resolve("bin/java");
        }

        String name() {
            return "JDK " + feature;
        }

        /** How java.version starts on this JDK: "1.8" on Java 8, the feature version after it. */
        String versionPrefix() {
            return feature == 8 ? "1.8" : Integer.toString(feature);
        }

        /** Whether this JDK has what came in Java {@code version}. */
        boolean atLeast(int version) {
            return feature >= version;
        }

        @Override
        public String toString() {
            return name();
        }
    }

    static final int[] FEATURES = {8, 11, 17, 21, 25};

    /**
     * The JDKs the tests run the agent on, from the system properties {@code selfconnect.test.jdkN} that the build
     * sets from the file tools/provision-jdks.sh writes; a missing one fails under CI and skips elsewhere.
     */
    static List<Jdk> jdks() {
        List<Jdk> jdks = new ArrayList<>();
        for (int feature : FEATURES) {
            String home = System.getProperty("selfconnect.test.jdk" + feature, "");
            if (!home.isEmpty() && !home.startsWith("${") && Files.isExecutable(Paths.get(home, "bin/java"))) {
                jdks.add(new Jdk(feature, Paths.get(home)));
                continue;
            }
            String why = "JDK " + feature + " not found at '" + home + "': run tools/provision-jdks.sh (or set"
                    + " -Dtest.jdk" + feature + "=<JDK home>)";
            if (CI) {
                fail(why);
            }
            System.err.println("skipping " + why);
        }
        return jdks;
    }

    static ChildJvm on(Jdk jdk) {
        requireNamespaces();
        return new ChildJvm(jdk);
    }

    ChildJvm agent(String arguments) {
        jvmOptions.add("-javaagent:" + AGENT_JAR.toAbsolutePath() + (arguments == null ? "" : "=" + arguments));
        return this;
    }

    ChildJvm jvmOption(String option) {
        jvmOptions.add(option);
        return this;
    }

    ChildJvm env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    ChildJvm portRange(String range) {
        portRange = range;
        return this;
    }

    /** Extra shell commands run as root in the namespace before the JVM starts (interfaces, routes). */
    ChildJvm namespaceSetup(String commands) {
        namespaceSetup = commands;
        return this;
    }

    Result runScenario(String... arguments) {
        List<String> command = new ArrayList<>(List.of("unshare", "-rn", "sh", "-c",
                "ip link set lo up && echo \"$SC_RANGE\" > /proc/sys/net/ipv4/ip_local_port_range && "
                        + (namespaceSetup.isEmpty() ? "" : namespaceSetup + " && ") + "exec \"$@\"",
                "sh", jdk.java().toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", TEST_CLASSES.toString(), "dev.selfconnect.scenarios.ConnectScenarios"));
        command.addAll(Arrays.asList(arguments));
        return run(command);
    }

    private Result run(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("SELFCONNECT_"));
        builder.environment().putAll(environment);
        builder.environment().put("SC_RANGE", portRange);
        return run(builder);
    }

    /** Starts the process, collects its output, and fails the test if it runs longer than the timeout. */
    static Result run(ProcessBuilder builder) {
        List<String> command = builder.command();
        try {
            Process process = builder.start();
            CompletableFuture<String> out = drain(process.getInputStream());
            CompletableFuture<String> err = drain(process.getErrorStream());
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("timed out after " + TIMEOUT_SECONDS + " s: " + command + "\nstdout: " + out.getNow("")
                        + "\nstderr: " + err.getNow(""));
            }
            return new Result(command, process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Reads the stream to its end on a thread of its own: child JVMs run in parallel, each with two streams. */
    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, runnable -> {
            Thread thread = new Thread(runnable, "drain");
            thread.setDaemon(true);
            thread.start();
        });
    }

    private static Boolean namespacesWork;

    static synchronized void requireNamespaces() {
        if (namespacesWork == null) {
            try {
                Process p = new ProcessBuilder("unshare", "-rn", "true").redirectErrorStream(true).start();
                namespacesWork = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException e) {
                namespacesWork = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                namespacesWork = false;
            }
        }
        require(namespacesWork, "'unshare -rn' does not work here",
                "the agent tests need a private network namespace");
    }

    /**
     * A precondition of a test: where it does not hold the test is skipped with the reason, except under CI=true,
     * where it fails with it.
     */
    static void require(boolean holds, String what, String why) {
        if (!holds) {
            if (CI) {
                fail(what + ", and CI=true: " + why);
            }
            Assumptions.abort(what + ": " + why);
        }
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

    record Result(List<String> command, int exitCode, String stdout, String stderr) {

        List<String> warnings() {
            return stderr.lines().filter(l -> l.startsWith("[selfconnect] WARN ")).toList();
        }

        List<String> agentLines(String level) {
            return stderr.lines().filter(l -> l.startsWith("[selfconnect] " + level + " ")).toList();
        }

        List<String> results() {
            return stdout.lines().filter(l -> l.startsWith("RESULT ")).toList();
        }

        boolean hasResult(String prefix) {
            return results().stream().anyMatch(l -> l.startsWith("RESULT " + prefix));
        }

        @Override
        public String toString() {
            return "command: " + String.join(" ", command) + "\nexit: " + exitCode + "\n--- stdout\n" + stdout
                    + "--- stderr\n" + stderr;
        }
    }
}
