package dev.selfconnect.scan;

import dev.selfconnect.identity.ContainerIds;
import dev.selfconnect.identity.UntrustedText;
import dev.selfconnect.vocabulary.EventKind;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The readable report: per namespace with findings its settings, one row per finding (with the owner's container and,
 * for a JVM with the agent, its service), and the fix line; one line for all the namespaces where nothing was found.
 */
final class TableOutput {

    private static final int COMMAND_WIDTH = 70;

    private TableOutput() {
    }

    static void write(Scanner.Result result, PrintStream out) {
        int self = 0;
        int listen = 0;
        int connect = 0;
        int unowned = 0;
        int quiet = 0;
        int quietSockets = 0;
        int quietUnchecked = 0;
        for (NamespaceScan namespace : result.namespaces) {
            self += namespace.count(EventKind.SELF_CONNECTION);
            listen += namespace.count(EventKind.RISK_LISTEN);
            connect += namespace.count(EventKind.RISK_CONNECT);
            unowned += namespace.unowned();
            if (namespace.findings.isEmpty()) {
                // the namespaces without findings are one line below, however many there are
                quiet++;
                quietSockets += namespace.sockets;
                quietUnchecked += namespace.ports == null ? 1 : 0;
                continue;
            }
            writeNamespace(namespace, out);
        }
        if (quiet > 0) {
            out.println("nothing found in " + quiet + (quiet < result.namespaces.size() ? " other" : "")
                    + " network namespace(s) (" + quietSockets + " TCP socket(s))" + (quietUnchecked == 0 ? ""
                    : "; in " + quietUnchecked + " of them the ephemeral range could not be read, so their"
                    + " listeners were not checked"));
        }
        out.println("summary: " + result.namespaces.size() + " network namespace(s), " + self
                + " live self-connection(s), " + listen + " listener(s) at risk, " + connect + " client(s) of one, "
                + unowned + " with pid ?; " + millis(result.nanos) + " ms");
    }

    private static void writeNamespace(NamespaceScan namespace, PrintStream out) {
        String where = namespace.own ? "this process's" : namespace.name.startsWith("net:?") ? null
                : "pid " + namespace.via;
        if (namespace.pod != null) {
            where = (where == null ? "" : where + ", ") + "pod " + namespace.pod;
        }
        out.println("network namespace " + namespace.name + (where == null ? "" : " (" + where + ")") + ": "
                + namespace.sockets + " TCP socket(s), " + (namespace.ports == null ? "ephemeral range unknown"
                : "ephemeral range " + namespace.ports.range() + ", reserved: "
                + (namespace.ports.reserved().toString().isEmpty() ? "none" : namespace.ports.reserved())));
        if (namespace.ports == null) {
            // why is on standard error, once
            out.println("  listeners not checked: the ephemeral range is unknown");
        }
        String format = "  %-15s  %-26s  %-26s  %-7s  %-17s  %-12s  %-20s  %s%n";
        out.printf(Locale.ROOT, format, "KIND", "LOCAL", "REMOTE", "PID", "RUNTIME", "CONTAINER", "SERVICE",
                "COMMAND");
        for (Finding finding : namespace.findings) {
            String remote = Messages.remote(finding);
            String container = ContainerIds.shortId(finding.containerId());
            String service = finding.service();
            out.printf(Locale.ROOT, format, finding.kind.label(), Messages.local(finding),
                    remote == null ? "-" : remote, finding.owner(),
                    finding.runtime().isEmpty() ? "?" : finding.runtime(), container == null ? "-" : container,
                    service == null ? "-" : UntrustedText.quotedIfNeeded(service), command(finding));
        }
        String fix = namespace.fix();
        if (fix != null) {
            out.println("  fix: " + fix);
        }
        int hidden = namespace.unowned();
        if (hidden > 0) {
            out.println("  " + hidden + " finding(s) with pid ?: " + (namespace.processesDenied > 0
                    ? namespace.processesDenied + " process(es) in this namespace hide their descriptors from this"
                    + " user (run as root to see them)"
                    : "no process held the socket when the descriptors were read (it exited, or the socket was"
                    + " handed on)"));
        }
    }

    private static String command(Finding finding) {
        String command = finding.command == null ? (finding.pid == null ? "?" : "? (exited)") : finding.command;
        return command.length() <= COMMAND_WIDTH ? command : command.substring(0, COMMAND_WIDTH - 3) + "...";
    }

    static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }
}
