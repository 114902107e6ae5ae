package dev.selfconnect.scan;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code selfconnect scan [--pid PID | --all-namespaces] [--json] [--prometheus FILE]}: live self-connections and the
 * exposure to them (listeners on unreserved ports inside the ephemeral range, and their clients on the same host), in
 * every process this user can see, read from /proc without an agent. Exit status 0 when nothing was found, 1 when
 * something was, 2 for bad usage or when nothing could be read.
 */
public final class ScanCommand {

    static final int EXIT_CLEAN = 0;
    static final int EXIT_FINDINGS = 1;
    static final int EXIT_ERROR = 2;

    static final String USAGE = "usage: selfconnect scan [--pid PID | --all-namespaces] [--json] [--prometheus FILE]\n"
            + "  Finds live TCP self-connections, listeners on ports of the ephemeral range that are not reserved,\n"
            + "  and clients of such listeners on this host, from /proc; no agent and no restart needed.\n"
            + "  (default)          the network namespace this command runs in\n"
            + "  --pid PID          the network namespace of process PID\n"
            + "  --all-namespaces   every network namespace of a process this user can see\n"
            + "  --json             one JSON object per finding and line, instead of the table\n"
            + "  --prometheus FILE  also write node-exporter textfile metrics to FILE (atomically)\n"
            + "  exit status: 0 nothing found, 1 findings, 2 bad usage or nothing readable\n";

    private ScanCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        return run(args, out, err, Paths.get("/proc"));
    }

    static int run(List<String> args, PrintStream out, PrintStream err, Path procRoot) {
        boolean json = false;
        boolean all = false;
        String pid = null;
        Path prometheus = null;
        List<String> arguments = new ArrayList<String>(args);
        if (!arguments.isEmpty() && arguments.get(0).equals("scan")) {
            arguments.remove(0);
        }
        for (int i = 0; i < arguments.size(); i++) {
            String argument = arguments.get(i);
            if (argument.equals("--help") || argument.equals("-h")) {
                out.print(USAGE);
                return EXIT_CLEAN;
            } else if (argument.equals("--json")) {
                json = true;
            } else if (argument.equals("--all-namespaces")) {
                all = true;
            } else if (argument.equals("--pid") || argument.startsWith("--pid=")) {
                String value = argument.equals("--pid") ? (i + 1 < arguments.size() ? arguments.get(++i) : null)
                        : argument.substring("--pid=".length());
                if (value == null || !isPid(value)) {
                    return usage(err, "--pid needs a process id, got " + (value == null ? "nothing" : "'" + value
                            + "'"));
                }
                pid = Long.toString(Long.parseLong(value));
            } else if (argument.equals("--prometheus") || argument.startsWith("--prometheus=")) {
                String value = argument.equals("--prometheus") ? (i + 1 < arguments.size() ? arguments.get(++i)
                        : null) : argument.substring("--prometheus=".length());
                if (value == null || value.isEmpty()) {
                    return usage(err, "--prometheus needs a file name");
                }
                prometheus = Paths.get(value);
                Path directory = prometheus.toAbsolutePath().getParent();
                if (directory == null || !Files.isDirectory(directory)) {
                    return usage(err, "--prometheus " + value + ": the directory " + directory + " does not exist");
                }
            } else {
                return usage(err, "unknown argument '" + argument + "'");
            }
        }
        if (all && pid != null) {
            return usage(err, "--pid and --all-namespaces exclude each other");
        }
        if (!Files.isDirectory(procRoot)) {
            err.println("selfconnect scan: " + procRoot + " does not exist: the scan reads Linux's /proc");
            return EXIT_ERROR;
        }

        long time = System.currentTimeMillis();
        Scanner.Target target = all ? Scanner.Target.allNamespaces()
                : pid != null ? Scanner.Target.process(pid) : Scanner.Target.current();
        Scanner.Result result;
        try {
            result = new Scanner(new ProcFs(procRoot), procRoot.equals(Paths.get("/proc")) ? new ForeignSysctls()
                    : null).scan(target);
        } catch (RuntimeException | Error bug) {
            err.println("selfconnect scan: internal failure: " + bug);
            return EXIT_ERROR;
        }
        if (result.error != null) {
            err.println("selfconnect scan: " + result.error);
            return EXIT_ERROR;
        }
        for (String problem : result.problems) {
            err.println("selfconnect scan: " + problem);
        }
        int quietUnchecked = 0;
        String firstQuietProblem = null;
        for (NamespaceScan namespace : result.namespaces) {
            for (String problem : namespace.problems) {
                err.println("selfconnect scan: network namespace " + namespace.name + ": " + problem);
            }
            if (namespace.ports == null && !namespace.findings.isEmpty()) {
                err.println("selfconnect scan: network namespace " + namespace.name + ": " + namespace.portsProblem
                        + "; its listeners are not checked, self-connections are");
            } else if (namespace.ports == null) {
                // the namespaces without findings are one line, as in the report
                quietUnchecked++;
                firstQuietProblem = firstQuietProblem != null ? firstQuietProblem
                        : "network namespace " + namespace.name + ": " + namespace.portsProblem;
            }
        }
        if (quietUnchecked == 1) {
            err.println("selfconnect scan: " + firstQuietProblem + "; its listeners are not checked,"
                    + " self-connections are");
        } else if (quietUnchecked > 1) {
            err.println("selfconnect scan: " + quietUnchecked + " network namespaces without findings: their"
                    + " ephemeral port range cannot be read (the first, " + firstQuietProblem + "); their listeners"
                    + " are not checked, self-connections are");
        }
        if (json) {
            JsonOutput.write(result, time, out);
        } else {
            TableOutput.write(result, out);
        }
        out.flush();
        int status = result.namespaces.isEmpty() ? EXIT_ERROR : result.findings() > 0 ? EXIT_FINDINGS : EXIT_CLEAN;
        if (prometheus != null) {
            try {
                PrometheusOutput.write(prometheus, PrometheusOutput.text(result, time));
            } catch (IOException | RuntimeException e) {
                err.println("selfconnect scan: cannot write " + prometheus + " (" + e + ")");
                return EXIT_ERROR;
            }
        }
        if (result.namespaces.isEmpty()) {
            err.println("selfconnect scan: no network namespace could be read");
        }
        return status;
    }

    private static boolean isPid(String value) {
        if (value.isEmpty() || value.length() > 18) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return false;
            }
        }
        return Long.parseLong(value) > 0;
    }

    private static int usage(PrintStream err, String problem) {
        err.println("selfconnect scan: " + problem);
        err.print(USAGE);
        return EXIT_ERROR;
    }
}
