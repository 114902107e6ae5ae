package dev.selfconnect.netty.it;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A fresh JVM with the real selfconnect.jar and one set of Netty jars, inside a private network namespace
 * ({@code unshare -rn}) whose ephemeral port range is 40000-40001: a connect to 127.0.0.1:40000 where nothing listens
 * self-connects on the first attempt (the kernel tries 40000 first for an even remote port).
 */
final class NettyJvm {

    static final Path AGENT_JAR = Paths.get(System.getProperty("selfconnect.test.agentJar",
            "../agent/target/selfconnect.jar")).toAbsolutePath();
    static final Path TEST_CLASSES = Paths.get("target/test-classes").toAbsolutePath();
    static final Path NETTY_LIBS = Paths.get(System.getProperty("selfconnect.test.nettyLibs", "target/netty-libs"));
    static final boolean CI = "true".equalsIgnoreCase(System.getenv("CI"));
    private static final long TIMEOUT_SECONDS = 90;

    record Jdk(String name, Path home) {
        Path java() {
            return home.resolve("bin/java");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** The JDKs the full matrix runs on; a missing one fails under CI and is skipped elsewhere. */
    static List<Jdk> jdks() {
        return jdks("17", "25");
    }

    /** The JDKs that run a representative subset ({@link OtherJdksIT}). */
    static List<Jdk> otherJdks() {
        return jdks("8", "11", "21");
    }

    private static List<Jdk> jdks(String... versions) {
        List<Jdk> jdks = new ArrayList<>();
        for (String version : versions) {
            String home = System.getProperty("selfconnect.test.jdk" + version);
            if (home != null && Files.isExecutable(Paths.get(home, "bin/java"))) {
                jdks.add(new Jdk("JDK " + version, Paths.get(home)));
            } else if (CI) {
                fail("JDK " + version + " not found at '" + home + "' (set -Dtest.jdk" + version + "=...)");
            } else {
                System.err.println("skipping JDK " + version + ": not found at '" + home + "'");
            }
        }
        return jdks;
    }

    /** The class path of a Netty copy: "netty42" or "netty41" (each a directory of jars), with the scenarios. */
    static String classPath(String nettyCopy) {
        List<String> entries = new ArrayList<>();
        entries.add(TEST_CLASSES.toString());
        entries.addAll(jars(NETTY_LIBS.resolve(nettyCopy)));
        return String.join(File.pathSeparator, entries);
    }

    static List<String> jars(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.toString().endsWith(".jar")).map(Path::toString).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("the Netty jars are missing; run through Maven", e);
        }
    }

    /** This test JVM's own class path without any io.netty jar: gRPC with its shaded Netty, and the scenarios. */
    static String grpcClassPath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.contains("/io/netty/") && !entry.contains("junit") && !entry.contains("opentest4j")
                    && !entry.contains("apiguardian") && !entry.contains("surefire") && !entry.contains("failsafe")) {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /** The command that starts {@code java OPTIONS...} in a fresh namespace with the one-port range. */
    static List<String> inNamespace(Jdk jdk, List<String> javaArguments) {
        return inNamespace(jdk, "", javaArguments);
    }

    /** With extra shell commands run as root in the namespace before the JVM starts (interfaces, routes). */
    static List<String> inNamespace(Jdk jdk, String setup, List<String> javaArguments) {
        requireNamespaces();
        List<String> command = new ArrayList<>(List.of("unshare", "-rn", "sh", "-c",
                "ip link set lo up && echo '40000 40001' > /proc/sys/net/ipv4/ip_local_port_range && "
                        + (setup.isEmpty() ? "" : setup + " && ") + "exec \"$@\"",
                "sh", jdk.java().toString()));
        command.addAll(javaArguments);
        return command;
    }

    static Result run(Jdk jdk, String agentArguments, String classPath, String mainClass, String... arguments) {
        return runWithSetup(jdk, "", agentArguments, classPath, mainClass, arguments);
    }

    static Result runWithSetup(Jdk jdk, String setup, String agentArguments, String classPath, String mainClass,
                               String... arguments) {
        List<String> java = new ArrayList<>();
        if (agentArguments != null) {
            java.add("-javaagent:" + AGENT_JAR + (agentArguments.isEmpty() ? "" : "=" + agentArguments));
        }
        java.addAll(List.of("-cp", classPath, mainClass));
        java.addAll(Arrays.asList(arguments));
        return run(new ProcessBuilder(inNamespace(jdk, setup, java)));
    }

    static Result run(ProcessBuilder builder) {
        builder.environment().keySet().removeIf(name -> name.startsWith("SELFCONNECT_"));
        List<String> command = builder.command();
        try {
            Process process = builder.start();
            process.getOutputStream().close();
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

    static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
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
        if (!namespacesWork) {
            if (CI) {
                fail("'unshare -rn' does not work here, and CI=true: these tests need a private network namespace");
            }
            Assumptions.abort("'unshare -rn' does not work here: these tests need a private network namespace");
        }
    }

    /** A transport the kernel does not offer (io_uring switched off): skipped with the reason, failed under CI. */
    static void requireAvailable(Result result) {
        List<String> unavailable = result.stdout().lines().filter(l -> l.startsWith("RESULT unavailable")).toList();
        if (unavailable.isEmpty()) {
            return;
        }
        String reason = "the transport is not available on this host: " + unavailable.get(0);
        if (CI) {
            fail(reason + " (CI=true: nothing is skipped)");
        }
        Assumptions.abort(reason);
    }

    record Result(List<String> command, int exitCode, String stdout, String stderr) {

        List<String> warnings() {
            return stderr.lines().filter(l -> l.startsWith("[selfconnect] WARN ")).toList();
        }

        List<String> errors() {
            return stderr.lines().filter(l -> l.startsWith("[selfconnect] ERROR ")).toList();
        }

        List<String> results() {
            return stdout.lines().filter(l -> l.startsWith("RESULT ")).toList();
        }

        boolean has(String prefix) {
            return results().stream().anyMatch(l -> l.startsWith("RESULT " + prefix));
        }

        @Override
        public String toString() {
            return "command: " + String.join(" ", command) + "\nexit: " + exitCode + "\n--- stdout\n" + stdout
                    + "--- stderr\n" + stderr;
        }
    }
}
