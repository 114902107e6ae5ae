package dev.selfconnect.it;

import dev.selfconnect.it.ChildJvm.Jdk;
import dev.selfconnect.testsupport.ChildProcess;
import dev.selfconnect.testsupport.NetworkNamespace;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * For the attach tests: a long-running target JVM ({@code ConnectOnDemand}, started without the agent) that connects
 * when told to, and the command-line tool {@code java -jar selfconnect.jar ...} run against it.
 */
final class AttachHarness {

    static final Path TEST_CLASSES = Paths.get("target/test-classes").toAbsolutePath();
    private static final long CLI_TIMEOUT_SECONDS = 60;

    private AttachHarness() {
    }

    /** A target JVM; {@link #close()} ends it. */
    static final class Target implements AutoCloseable {

        final Jdk jdk;
        final long pid;
        private final Process process;
        private final Writer stdin;
        private final BlockingQueue<String> stdout;
        private final StringBuffer stderr = new StringBuffer();
        private final List<String> command;

        private Target(Jdk jdk, Process process, List<String> command) throws InterruptedException {
            this.jdk = jdk;
            this.process = process;
            this.command = command;
            this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            this.stdout = ChildProcess.lines(process.getInputStream());
            collect(process.getErrorStream(), stderr);
            String ready = stdout.poll(30, TimeUnit.SECONDS);
            if (ready == null || !ready.startsWith("READY pid=")) {
                process.destroyForcibly();
                fail("the target did not start: " + ready + "\n" + this);
            }
            this.pid = Long.parseLong(ready.substring("READY pid=".length()).split(" ")[0]);
        }

        /**
         * Starts the target in a private network namespace whose ephemeral port range is 40000-40000, so that its
         * connect to 127.0.0.1:40000 self-connects at once. {@code unshare -rn} maps this user to root in a new user
         * namespace; the tool, run outside it, attaches all the same (the namespace shares /tmp and the pids).
         */
        static Target inNamespace(Jdk jdk, String... jvmOptions) {
            ChildJvm.requireNamespaces();
            return start(jdk, NetworkNamespace.command(NetworkNamespace.ONE_PORT, "", List.of()), jvmOptions);
        }

        /**
         * Like {@link #inNamespace}, with a mount namespace of its own whose /tmp is an empty tmpfs: the JVM's /tmp
         * (attach socket, hsperfdata) is not the tool's, as in a systemd service with PrivateTmp=yes.
         */
        static Target inNamespaceWithPrivateTmp(Jdk jdk) {
            ChildJvm.requireNamespaces();
            Assumptions.assumeFalse(jdk.home().toAbsolutePath().startsWith("/tmp"),
                    "the JDK is under /tmp, which the target's private /tmp would hide");
            // The test classes are bound to /mnt first: a checkout under /tmp would vanish under the new /tmp.
            List<String> command = new ArrayList<>(List.of("unshare", "-rnm", "sh", "-c",
                    "mount --bind \"$SC_CLASSES\" /mnt && mount -t tmpfs tmpfs /tmp && ip link set lo up "
                            + "&& echo '40000 40000' > /proc/sys/net/ipv4/ip_local_port_range && exec \"$@\"",
                    "sh"));
            return startWithClassPath(jdk, command, "/mnt");
        }

        /**
         * Starts the target through a prefix (setpriv, unshare ...) with this class path as the JVM sees it; the
         * environment has {@code SC_CLASSES}, the test classes' path here, for a prefix that mounts them.
         */
        static Target through(Jdk jdk, List<String> prefix, String classPath, String... jvmOptions) {
            return startWithClassPath(jdk, new ArrayList<>(prefix), classPath, jvmOptions);
        }

        /** Starts the target as an ordinary process. */
        static Target plain(Jdk jdk, String... jvmOptions) {
            return start(jdk, new ArrayList<>(), jvmOptions);
        }

        private static Target start(Jdk jdk, List<String> command, String... jvmOptions) {
            return startWithClassPath(jdk, command, TEST_CLASSES.toString(), jvmOptions);
        }

        private static Target startWithClassPath(Jdk jdk, List<String> command, String classPath,
                                                 String... jvmOptions) {
            command.add(jdk.java().toString());
            command.addAll(Arrays.asList(jvmOptions));
            command.addAll(List.of("-cp", classPath, "dev.selfconnect.scenarios.ConnectOnDemand"));
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().put("SC_CLASSES", TEST_CLASSES.toString());
            builder.environment().keySet().removeIf(name -> name.startsWith("SELFCONNECT_"));
            try {
                return new Target(jdk, builder.start(), command);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        /** Sends one command (socket, channel, bind) and returns its RESULT line. */
        String send(String line) {
            try {
                stdin.write(line + "\n");
                stdin.flush();
                String result = stdout.poll(20, TimeUnit.SECONDS);
                if (result == null) {
                    fail("no answer to '" + line + "' within 20 s\n" + this);
                }
                return result;
            } catch (IOException e) {
                throw new UncheckedIOException("the target ended: " + this, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        /** What the target wrote on standard error so far: the agent's lines, the JDK's warnings. */
        String stderr() {
            return stderr.toString();
        }

        @Override
        public void close() {
            try {
                stdin.write("exit\n");
                stdin.flush();
                stdin.close();
            } catch (IOException ignored) {
                // it has ended already
            }
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public String toString() {
            return "target " + jdk + " " + String.join(" ", command) + "\n--- target stderr\n" + stderr;
        }
    }

    /** {@code java -jar selfconnect.jar ARGS} on this JDK, optionally run through a prefix (setpriv ...). */
    static CliRun cli(Path java, List<String> prefix, String... args) {
        return cli(java, prefix, ChildJvm.AGENT_JAR.toAbsolutePath(), args);
    }

    /** {@code java -jar JAR ARGS}: the tool run from another copy of the jar. */
    static CliRun cli(Path java, List<String> prefix, Path jar, String... args) {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(java.toString(), "-jar", jar.toString()));
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("SELFCONNECT_"));
        long start = System.nanoTime();
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            StringBuffer out = new StringBuffer();
            StringBuffer err = new StringBuffer();
            CompletableFuture<Void> outDone = collect(process.getInputStream(), out);
            CompletableFuture<Void> errDone = collect(process.getErrorStream(), err);
            if (!process.waitFor(CLI_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("timed out after " + CLI_TIMEOUT_SECONDS + " s: " + command + "\nstdout: " + out
                        + "\nstderr: " + err);
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            outDone.join();
            errDone.join();
            return new CliRun(command, process.exitValue(), out.toString(), err.toString(), millis);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static CliRun cli(Jdk jdk, String... args) {
        return cli(jdk.java(), List.of(), args);
    }

    record CliRun(List<String> command, int exitCode, String stdout, String stderr, long millis) {

        /** The "done in N ms" the tool reports: from its attach request to the agent's answer. */
        long reportedMillis() {
            return stdout.lines().filter(l -> l.startsWith("done in ")).findFirst()
                    .map(l -> Long.parseLong(l.substring("done in ".length()).split(" ")[0])).orElse(-1L);
        }

        @Override
        public String toString() {
            return "command: " + String.join(" ", command) + "\nexit: " + exitCode + " (" + millis + " ms)"
                    + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    private static CompletableFuture<Void> collect(InputStream stream, StringBuffer into) {
        return CompletableFuture.runAsync(() -> {
            byte[] buffer = new byte[8192];
            try (stream) {
                int n;
                while ((n = stream.read(buffer)) > 0) {
                    into.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, runnable -> {
            Thread thread = new Thread(runnable, "drain");
            thread.setDaemon(true);
            thread.start();
        });
    }
}
