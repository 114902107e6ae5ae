package dev.selfconnect.netty.it;

import dev.selfconnect.testsupport.ChildProcess;
import dev.selfconnect.testsupport.JvmResult;
import dev.selfconnect.testsupport.NetworkNamespace;
import dev.selfconnect.testsupport.Preconditions;
import dev.selfconnect.testsupport.TestJdk;
import dev.selfconnect.testsupport.TestJdks;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;


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
    static final boolean CI = Preconditions.CI;
    /** 40000 and 40001: the kernel tries 40000 first for an even remote port. */
    private static final String PORT_RANGE = "40000 40001";

    /**
     * A JDK the tests run on ({@link TestJdk}): where the machine lacks it, the first use of its home skips the test
     * with the reason (under CI=true fails it).
     */
    static final class Jdk extends TestJdk {
        Jdk(String name, Path home) {
            super(TestJdk.at(Integer.parseInt(name.replaceFirst("^JDK ", "")), home));
        }

        private Jdk(TestJdk jdk) {
            super(jdk);
        }
    }

    /** The JDKs the full matrix runs on, each listed whether this machine has it or not ({@link TestJdks}). */
    static List<Jdk> jdks() {
        return jdks(17, 25);
    }

    /** The JDKs that run a representative subset ({@link OtherJdksIT}). */
    static List<Jdk> otherJdks() {
        return jdks(8, 11, 21);
    }

    private static List<Jdk> jdks(int... features) {
        List<Jdk> jdks = new ArrayList<>();
        for (TestJdk jdk : TestJdks.find(features)) {
            jdks.add(new Jdk(jdk));
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
        List<String> java = new ArrayList<>();
        java.add(jdk.java().toString());
        java.addAll(javaArguments);
        return NetworkNamespace.command(PORT_RANGE, setup, java);
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
        return new Result(ChildProcess.run(builder));
    }

    static CompletableFuture<String> drain(InputStream stream) {
        return ChildProcess.drain(stream);
    }

    static void requireNamespaces() {
        NetworkNamespace.require();
    }

    /** A transport the kernel does not offer (io_uring switched off): skipped with the reason, failed under CI. */
    static void requireAvailable(Result result) {
        List<String> unavailable = result.stdout().lines().filter(l -> l.startsWith("RESULT unavailable")).toList();
        if (unavailable.isEmpty()) {
            return;
        }
        Preconditions.require(false, "the transport is not available on this host", unavailable.get(0));
    }

    /** A finished child JVM ({@link JvmResult}). */
    static final class Result extends JvmResult {
        Result(List<String> command, int exitCode, String stdout, String stderr) {
            super(command, exitCode, stdout, stderr);
        }

        private Result(JvmResult result) {
            super(result);
        }

        boolean has(String prefix) {
            return hasResult(prefix);
        }
    }
}
