package dev.selfconnect.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs a child process to its end: stdin closed, stdout and stderr each read on a thread of its own (child JVMs run
 * in parallel), and one bound for a hang, after which the process and its descendants are killed and the test fails
 * with what they printed.
 */
public final class ChildProcess {

    /** The one hang bound of every child process the tests run to its end. */
    public static final long HANG_BOUND_SECONDS = 120;

    private ChildProcess() {
    }

    /** A process builder for this command whose environment has none of this JVM's SELFCONNECT_ variables. */
    public static ProcessBuilder builder(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("SELFCONNECT_"));
        return builder;
    }

    public static JvmResult run(ProcessBuilder builder) {
        List<String> command = builder.command();
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            CompletableFuture<String> out = drain(process.getInputStream());
            CompletableFuture<String> err = drain(process.getErrorStream());
            if (!process.waitFor(HANG_BOUND_SECONDS, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                fail("timed out after " + HANG_BOUND_SECONDS + " s: " + command + "\nstdout: " + out.getNow("")
                        + "\nstderr: " + err.getNow(""));
            }
            return new JvmResult(command, process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Reads the stream to its end on a daemon thread of its own. */
    public static CompletableFuture<String> drain(InputStream stream) {
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

    /** The stream's lines as they come, read on a daemon thread of its own until the stream ends. */
    public static BlockingQueue<String> lines(InputStream stream) {
        BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        daemon("lines", () -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    queue.add(line);
                }
            } catch (IOException ended) {
                // the process ended
            }
        });
        return queue;
    }

    /**
     * Appends the stream's lines, each with its newline, to {@code into} as they come, on a daemon thread of its own.
     *
     * @return the thread, which ends with the stream
     */
    public static Thread collect(InputStream stream, StringBuffer into) {
        return daemon("collect", () -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    into.append(line).append('\n');
                }
            } catch (IOException ended) {
                // the process ended
            }
        });
    }

    /**
     * The output as it is once nothing has come for {@code quietMillis}, or as it is after {@code boundMillis}: what a
     * child writes apart from the lines a test waits for arrives in its own time.
     */
    public static String settled(Supplier<String> output, long quietMillis, long boundMillis) {
        String last = output.get();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(boundMillis);
        while (System.nanoTime() < deadline) {
            try {
                Thread.sleep(quietMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            String now = output.get();
            if (now.equals(last)) {
                break;
            }
            last = now;
        }
        return last;
    }

    private static Thread daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
