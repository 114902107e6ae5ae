package dev.selfconnect.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code selfconnect scan} on a namespace with many sockets: python3 processes in a network namespace of their own
 * ({@code unshare -rn}) hold N TCP sockets (connected pairs to a listener outside the ephemeral range, spread over
 * several processes because one may hold at most its open-files limit), plus, made last so that the owner search walks
 * every other descriptor first, one self-connection and one listener inside the range; in the churn case, besides,
 * short-lived processes come and go in the namespace during the scan (their listeners are findings whose owner may
 * have exited before the owner search reaches it). The scan runs from outside
 * ({@code --pid}, as on a node) in a fresh JVM each time; reported: the scan's own time (its summary line) and the
 * whole command's wall time, JVM start included, and the scan JVM's processor time.
 */
final class ScanBench {

    static final double MAX_SCAN_MS = 1000;

    /**
     * The socket holders. The two findings are made first, while their ports are free, then held only by a process
     * forked after all the workers (the others close their inherited copies): the owner search walks every worker's
     * descriptors before it finds them.
     */
    private static final String HOLDER = String.join("\n",
            "import os, socket, sys, time",
            "pairs, workers, churn, life = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]) / 1000",
            "server = socket.socket(); server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "server.bind(('127.0.0.1', 5000)); server.listen(4096)",
            "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "s.bind(('127.0.0.1', 40500)); s.connect(('127.0.0.1', 40500))",
            "l = socket.socket(); l.bind(('127.0.0.1', 40600)); l.listen()",
            "for w in range(workers):",
            "    if os.fork() == 0:",
            "        s.close(); l.close(); keep = []",
            "        for i in range(pairs // workers):",
            "            c = socket.create_connection(('127.0.0.1', 5000)); a, _ = server.accept(); keep += [c, a]",
            "        os.write(1, b'worker %d\\n' % os.getpid())",
            "        time.sleep(3600); os._exit(0)",
            "if os.fork() == 0:",
            "    server.close(); os.write(1, b'holder %d\\n' % os.getpid()); time.sleep(3600); os._exit(0)",
            "s.close(); l.close()",
            "if churn > 0 and os.fork() == 0:",
            "    server.close(); alive = set(); os.write(1, b'churner %d\\n' % os.getpid())",
            "    while True:",
            "        while len(alive) < churn:",
            "            child = os.fork()",
            "            if child == 0:",
            "                held = [socket.socket() for i in range(3)]",
            "                for h in held: h.bind(('127.0.0.1', 0)); h.listen()",
            "                time.sleep(life); os._exit(0)",
            "            alive.add(child)",
            "        alive.discard(os.wait()[0])",
            "os.write(1, b'READY %d\\n' % os.getpid())",
            "time.sleep(3600)",
            "");

    /**
     * @param cpuMs the scan JVM's own processor time (user and system, from its parent shell's children's times):
     *              what the scan's work costs, apart from the wait for processors other processes keep busy
     */
    record Result(int sockets, Churn churn, ChurnRate rate, Stats scanMs, Stats wallMs, Stats cpuMs, String sample) {
    }

    /** Processes the churn case keeps alive beside the socket holders. */
    static final int CHURN_PROCESSES = 20;
    /** The churn case's target: within this factor of the quiet scan. */
    static final double MAX_CHURN_FACTOR = 2.0;
    /** The kernel's clock ticks per second in /proc (USER_HZ). */
    private static final double TICKS_PER_MS = 0.1;
    /** The 16th and 17th fields of /proc/PID/stat (children's user and system time), counted from the 3rd. */
    private static final int CHILDREN_USER_TIME_AFTER_STATE = 16 - 3;

    private final String java;
    private final Path agentJar;
    private final Path work;

    ScanBench(String java, Path agentJar, Path work) {
        this.java = java;
        this.agentJar = agentJar;
        this.work = work;
    }

    /**
     * How fast the churning processes come and go: each of the {@link #CHURN_PROCESSES} lives this long, then another
     * takes its place. A busy node (a CI runner's compilers, a Kubernetes node's probes and sidecars) starts about a
     * hundred processes a second; a fork storm several hundred, enough to keep both processors of a 2-core machine busy
     * on its own, which every other program on it then waits for.
     */
    enum ChurnRate {
        BUSY_NODE("busy", 200), FORK_STORM("storm", 30);

        final String label;
        final int lifetimeMs;

        ChurnRate(String label, int lifetimeMs) {
            this.label = label;
            this.lifetimeMs = lifetimeMs;
        }

        /** Processes started per second. */
        int startsPerSecond() {
            return CHURN_PROCESSES * 1000 / lifetimeMs;
        }
    }

    /** Where the churning processes run: none, in the scanned namespace, or in a namespace of their own. */
    enum Churn {
        NONE("none"), IN_NAMESPACE("in it"), ELSEWHERE("beside");

        final String label;

        Churn(String label) {
            this.label = label;
        }
    }

    /** Socket holders started in a namespace of their own: the pids to kill afterwards and the scan's target. */
    private static final class Holders {
        final Process process;
        final List<Long> pids = new ArrayList<>();
        String target;

        Holders(Process process) {
            this.process = process;
        }

        void stop() throws InterruptedException {
            for (long held : pids) {
                ProcessHandle.of(held).ifPresent(ProcessHandle::destroyForcibly);
            }
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private Holders start(Path script, int pairs, int workers, int churn, ChurnRate rate) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("unshare", "-rn", "sh", "-c", "ip link set lo up"
                + " && echo '10000 65000' > /proc/sys/net/ipv4/ip_local_port_range"
                + " && exec python3 \"$0\" \"$1\" \"$2\" \"$3\" \"$4\"",
                script.toString(), Integer.toString(pairs), Integer.toString(workers), Integer.toString(churn),
                Integer.toString(rate.lifetimeMs))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        Holders holders = new Holders(builder.start());
        BufferedReader out = new BufferedReader(new InputStreamReader(holders.process.getInputStream(),
                StandardCharsets.UTF_8));
        int workersReady = 0;
        boolean holderReady = false;
        boolean churnerReady = churn == 0;
        for (String line; (holders.target == null || workersReady < workers || !holderReady || !churnerReady)
                && (line = out.readLine()) != null; ) {
            String[] words = line.trim().split(" ");
            holders.pids.add(Long.parseLong(words[1]));
            workersReady += words[0].equals("worker") ? 1 : 0;
            holderReady |= words[0].equals("holder");
            churnerReady |= words[0].equals("churner");
            holders.target = words[0].equals("READY") ? words[1] : holders.target;
        }
        if (holders.target == null || workersReady < workers || !holderReady || !churnerReady) {
            throw new IllegalStateException("the socket holders did not start (" + workersReady + " of " + workers
                    + " workers ready)");
        }
        return holders;
    }

    /**
     * @param churn where {@link #CHURN_PROCESSES} short-lived processes are kept alive during the scans (each binds and
     *              listens on three ephemeral ports and exits after the rate's lifetime): in the scanned namespace, or
     *              in another (the same load on the processors, without processes vanishing in the scanned namespace)
     * @param rate  how fast they come and go (ignored without churn)
     */
    Result run(int sockets, int runs, Churn churn, ChurnRate rate) throws Exception {
        Path script = Files.writeString(work.resolve("scan-holder.py"), HOLDER);
        int workers = Math.max(1, (sockets + 11_999) / 12_000);
        int pairs = sockets / 2;
        List<Holders> started = new ArrayList<>();
        try {
            Holders scanned = start(script, pairs, workers, churn == Churn.IN_NAMESPACE ? CHURN_PROCESSES : 0, rate);
            started.add(scanned);
            if (churn == Churn.ELSEWHERE) {
                started.add(start(script, 2, 1, CHURN_PROCESSES, rate));
            }
            String pid = scanned.target;
            List<Double> scan = new ArrayList<>();
            List<Double> wall = new ArrayList<>();
            List<Double> cpu = new ArrayList<>();
            Pattern stat = Pattern.compile("CPUSTAT .*\\) (.*)");
            String sample = null;
            Pattern summary = Pattern.compile("summary: .*; ([0-9.]+) ms");
            Pattern count = Pattern.compile("\\): (\\d+) TCP socket\\(s\\)");
            for (int run = 0; run <= runs; run++) {
                long start = System.nanoTime();
                // The shell reads its own children's processor times once the scan has exited.
                Process p = new ProcessBuilder("sh", "-c", "\"$0\" -cp \"$1\" dev.selfconnect.scan.ScanCommand --pid"
                        + " \"$2\"; status=$?; read -r stat < /proc/$$/stat; echo \"CPUSTAT $stat\"; exit $status",
                        java, agentJar.toString(), pid).redirectErrorStream(true).start();
                String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("the scan did not end");
                }
                double wallMs = (System.nanoTime() - start) / 1e6;
                Matcher m = summary.matcher(text);
                Matcher c = count.matcher(text);
                Matcher t = stat.matcher(text);
                if (p.exitValue() != 1 || !m.find() || !c.find() || Integer.parseInt(c.group(1)) < sockets
                        || !t.find()) {
                    throw new IllegalStateException("unexpected scan output (exit " + p.exitValue() + "):\n" + text);
                }
                if (run == 0) {
                    sample = text; // the first run warms the page cache and is not counted
                    continue;
                }
                scan.add(Double.parseDouble(m.group(1)));
                wall.add(wallMs);
                String[] fields = t.group(1).trim().split(" ");
                cpu.add((Long.parseLong(fields[CHILDREN_USER_TIME_AFTER_STATE])
                        + Long.parseLong(fields[CHILDREN_USER_TIME_AFTER_STATE + 1])) / TICKS_PER_MS);
            }
            return new Result(sockets, churn, rate, new Stats(scan), new Stats(wall), new Stats(cpu), sample);
        } finally {
            for (Holders holders : started) {
                holders.stop();
            }
        }
    }
}
