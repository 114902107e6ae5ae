package dev.selfconnect.scan;

import dev.selfconnect.vocabulary.EventKind;

import java.io.PrintStream;
import java.util.Locale;

/** The readable report: per namespace its settings, one row per finding, and the fix line. */
final class TableOutput {

    private static final int COMMAND_WIDTH = 70;

    private TableOutput() {
    }

    static void write(Scanner.Result result, PrintStream out) {
        int self = 0;
        int listen = 0;
        int connect = 0;
        int unowned = 0;
        for (NamespaceScan namespace : result.namespaces) {
            out.println("network namespace " + namespace.name + (namespace.own ? " (this process's)"
                    : namespace.name.startsWith("net:?") ? "" : " (pid " + namespace.via + ")") + ": " + namespace.sockets + " TCP socket(s), "
                    + (namespace.ports == null ? "ephemeral range unknown"
                    : "ephemeral range " + namespace.ports.range() + ", reserved: "
                    + (namespace.ports.reserved().toString().isEmpty() ? "none" : namespace.ports.reserved())));
            if (namespace.ports == null) {
                out.println("  listeners not checked: " + namespace.portsProblem);
            }
            if (namespace.findings.isEmpty()) {
                out.println("  nothing found");
            } else {
                String format = "  %-15s  %-26s  %-26s  %-7s  %-17s  %s%n";
                out.printf(Locale.ROOT, format, "KIND", "LOCAL", "REMOTE", "PID", "RUNTIME", "COMMAND");
                for (Finding finding : namespace.findings) {
                    String remote = Messages.remote(finding);
                    out.printf(Locale.ROOT, format, finding.kind.label(), Messages.local(finding), remote == null ? "-" : remote,
                            finding.owner(), finding.runtime().isEmpty() ? "?" : finding.runtime(),
                            command(finding));
                }
                String fix = namespace.fix();
                if (fix != null) {
                    out.println("  fix: " + fix);
                }
            }
            int hidden = namespace.unowned();
            if (hidden > 0) {
                out.println("  " + hidden + " finding(s) with pid ?: " + (namespace.processesDenied > 0
                        ? namespace.processesDenied + " process(es) in this namespace hide their descriptors from this"
                        + " user (run as root to see them)"
                        : "no process held the socket when the descriptors were read (it exited, or the socket was"
                        + " handed on)"));
            }
            self += namespace.count(EventKind.SELF_CONNECTION);
            listen += namespace.count(EventKind.RISK_LISTEN);
            connect += namespace.count(EventKind.RISK_CONNECT);
            unowned += hidden;
        }
        out.println("summary: " + result.namespaces.size() + " network namespace(s), " + self
                + " live self-connection(s), " + listen + " listener(s) at risk, " + connect + " client(s) of one, "
                + unowned + " with pid ?; " + millis(result.nanos) + " ms");
    }

    private static String command(Finding finding) {
        String command = finding.command == null ? (finding.pid == null ? "?" : "? (exited)") : finding.command;
        return command.length() <= COMMAND_WIDTH ? command : command.substring(0, COMMAND_WIDTH - 3) + "...";
    }

    static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }
}
