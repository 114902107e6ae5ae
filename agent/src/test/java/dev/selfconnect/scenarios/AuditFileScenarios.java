package dev.selfconnect.scenarios;

import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A service whose audit file the tests tamper with. Every event it causes is a risk finding of its own: a server on a
 * new port inside the namespace's ephemeral range 40000-40999 (40100, 40101, ...), so each makes one line in the
 * audit file. Lines starting with {@code RESULT} say what it did.
 * Usage:
 * {@code AuditFileScenarios events N} makes N events;
 * {@code AuditFileScenarios interactive} reads commands from standard input ({@code events N}, {@code quit});
 * {@code AuditFileScenarios fill FILLER N} makes 2 events, waits for them in the audit file (events.jsonl, beside
 * FILLER), fills the file system of FILLER to the last byte, makes N events, deletes FILLER and makes 2 more.
 */
public final class AuditFileScenarios {

    private static final int IDLE_SAMPLES = 10;
    private static final int IDLE_SAMPLE_MILLIS = 20;

    private static int nextPort = 40100;

    private AuditFileScenarios() {
    }

    public static void main(String[] args) throws Exception {
        switch (args.length > 0 ? args[0] : "") {
            case "events":
                events(Integer.parseInt(args[1]));
                break;
            case "interactive":
                interactive();
                break;
            case "fill":
                fill(args[1], Integer.parseInt(args[2]));
                break;
            default:
                System.err.println("usage: AuditFileScenarios events N | interactive | fill FILLER N");
                System.exit(2);
        }
        System.out.println("RESULT done");
    }

    private static void events(int count) throws IOException {
        for (int i = 0; i < count; i++) {
            try (ServerSocket server = new ServerSocket(nextPort++, 50, InetAddress.getByName("127.0.0.1"))) {
                System.out.println("RESULT listened on " + server.getLocalPort());
            }
        }
        System.out.println("RESULT events " + count);
        System.out.flush();
    }

    private static void interactive() throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("RESULT ready");
        System.out.flush();
        for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
            if (line.startsWith("events ")) {
                events(Integer.parseInt(line.substring("events ".length())));
            }
        }
    }

    private static void fill(String filler, int count) throws IOException, InterruptedException {
        events(2);
        awaitLines(Paths.get(filler).resolveSibling("events.jsonl"), 2); // in the file before the disk fills
        long written = 0;
        byte[] block = new byte[512];
        try (OutputStream out = new FileOutputStream(filler)) {
            while (true) {
                out.write(block);
                written += block.length;
            }
        } catch (IOException full) {
            System.out.println("RESULT filled " + written + " bytes: " + full.getMessage());
        }
        try (OutputStream out = new FileOutputStream(filler, true)) {
            for (int i = 0; i < 512; i++) {
                out.write(0);
            }
        } catch (IOException full) {
            System.out.println("RESULT full to the byte");
        }
        events(count);
        awaitAgentOutputIdle(); // the agent has tried to write them all while the disk was full
        System.out.println("RESULT the application goes on");
        Files.delete(Paths.get(filler));
        events(2);
    }

    /** Waits (at most 10 s) until the audit file holds {@code count} complete lines. */
    private static void awaitLines(Path file, int count) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (Files.exists(file) && new String(Files.readAllBytes(file), StandardCharsets.UTF_8)
                    .chars().filter(c -> c == '\n').count() >= count) {
                return;
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException(file + " did not get " + count + " lines within 10 s");
    }

    /**
     * Waits (at most 10 s) until the agent's writer thread has nothing left to write: it waits on its empty queue in
     * every sample over {@value #IDLE_SAMPLES} samples {@value #IDLE_SAMPLE_MILLIS} ms apart. One sample is not
     * enough: a thread just handed a report still shows as waiting until it is scheduled. The audit file is written on
     * that thread, so a scenario that changes the file system must wait for it first.
     */
    private static void awaitAgentOutputIdle() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int idleSamples = 0;
        while (System.nanoTime() < deadline) {
            idleSamples = reporterWaitsForAReport() ? idleSamples + 1 : 0;
            if (idleSamples == IDLE_SAMPLES) {
                return;
            }
            Thread.sleep(IDLE_SAMPLE_MILLIS);
        }
        throw new IllegalStateException("the agent's writer thread did not go idle within 10 s");
    }

    private static boolean reporterWaitsForAReport() {
        for (Map.Entry<Thread, StackTraceElement[]> thread : Thread.getAllStackTraces().entrySet()) {
            if (thread.getKey().getName().equals("selfconnect-reporter")
                    && thread.getKey().getState() == Thread.State.WAITING && waitsForAReport(thread.getValue())) {
                return true;
            }
        }
        return false;
    }

    private static boolean waitsForAReport(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            if (frame.getMethodName().equals("take")) {
                return true;
            }
        }
        return false;
    }
}
