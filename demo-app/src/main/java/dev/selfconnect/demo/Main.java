package dev.selfconnect.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;

/** The demo's entry point: an ordinary application that knows nothing of the agent. */
public final class Main {

    static final String USAGE = String.join("\n",
            "Usage: java -jar demo-app.jar [COMMAND] [OPTIONS]",
            "",
            "A TCP client that connects to a local port where nothing listens can be handed that very port",
            "as its source port, and then it is connected to itself. This demo makes that happen.",
            "",
            "Commands:",
            "  reproduce    (the default) connect until the connect succeeds; \"Connection refused\" means try again",
            "                 --port N          default: a free even port of the ephemeral port range",
            "                 --api API         " + Api.names() + " (default: socket)",
            "                 --host ADDRESS    a loopback address (default: 127.0.0.1; ::1 works too)",
            "                 --max-attempts N  default: " + CommandLine.DEFAULT_MAX_ATTEMPTS,
            "                 --hold SECONDS    keep a self-connection open that long, to see it with: ss -tn",
            "  port-steal   a server restarts, its client's retry loop takes the server's port, the server cannot bind",
            "                 --port N, --host ADDRESS, --max-attempts N",
            "  serve        listen and answer HTTP: a real peer, to check that nothing is taken for a self-connection",
            "                 --port N, --host ADDRESS, --for SECONDS (default: until stopped)",
            "  free-port    print the port that reproduce would choose",
            "                 --host ADDRESS",
            "  help         print this",
            "",
            "Exit codes:",
            "  0  SELF-CONNECTED (port-steal: SERVER-RESTARTED)",
            "  1  unexpected error",
            "  2  usage error",
            "  3  NOT-REPRODUCED: every attempt was refused",
            "  4  REJECTED: the connect failed with a ConnectException other than a plain \"Connection refused\"",
            "  5  CONNECTED to a real peer, not to itself",
            "  6  SERVER-RESTART-FAILED (port-steal)",
            "");

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, EphemeralPortRange.LINUX_FILE));
    }

    /** Runs one command and returns its exit code; the range file is a parameter so that tests can supply their own. */
    static int run(String[] args, PrintStream out, PrintStream err, Path rangeFile) {
        try {
            CommandLine line = CommandLine.parse(args);
            switch (line.command()) {
                case HELP:
                    out.print(USAGE);
                    return ExitCodes.OK;
                case FREE_PORT:
                    out.println(PortChoice.byDefault(rangeFile, line.host()).port());
                    return ExitCodes.OK;
                case SERVE:
                    return serve(line, port(line, rangeFile), out);
                case PORT_STEAL:
                    return PortSteal.run(line, port(line, rangeFile), out);
                default:
                    return Reproduce.run(line, port(line, rangeFile), out,
                            () -> whyNotReproduced(line, rangeFile));
            }
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            err.println();
            err.print(USAGE);
            return ExitCodes.USAGE_ERROR;
        } catch (Exception e) {
            err.println("ERROR: " + ConnectFailures.describe(e));
            e.printStackTrace(err);
            return ExitCodes.UNEXPECTED_ERROR;
        }
    }

    private static PortChoice port(CommandLine line, Path rangeFile) throws IOException, UsageException {
        if (line.port().isEmpty()) {
            return PortChoice.byDefault(rangeFile, line.host());
        }
        int port = line.port().getAsInt();
        return new PortChoice(port, "from --port" + portNote(port, rangeFile).map(note -> "; note: " + note).orElse(""));
    }

    /** Why a given port may never self-connect. */
    private static Optional<String> portNote(int port, Path rangeFile) {
        try {
            EphemeralPortRange range = EphemeralPortRange.read(rangeFile);
            if (!range.contains(port)) {
                return Optional.of("outside the ephemeral port range " + range + ", so it can never self-connect");
            }
            ReservedPorts reserved = ReservedPorts.nextTo(rangeFile);
            if (reserved.contains(port)) {
                return Optional.of("reserved (net.ipv4.ip_local_reserved_ports = " + reserved
                        + "), so it can never self-connect");
            }
            if (port % 2 != 0 && !range.isSinglePort()) {
                return Optional.of("odd, and Linux hands out even source ports first, so this may take very long");
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** After every attempt was refused: the reason, and what to do. */
    static String whyNotReproduced(CommandLine line, Path rangeFile) {
        String retry = line.port().isPresent() ? "run without --port (the demo then picks a free port)"
                : "run it again (the demo picks another free port)";
        int port = line.port().isPresent() ? line.port().getAsInt() : -1;
        try {
            EphemeralPortRange range = EphemeralPortRange.read(rangeFile);
            ReservedPorts reserved = ReservedPorts.nextTo(rangeFile);
            if (port < 0) {
                return "why: Linux did not hand out the chosen port in " + line.maxAttempts() + " attempts; "
                        + retry + ", or raise --max-attempts";
            }
            if (!range.contains(port)) {
                return "why: port " + port + " lies outside the ephemeral port range " + range
                        + ", so Linux never hands it out as a source port; " + retry;
            }
            if (reserved.contains(port)) {
                return "why: port " + port + " is reserved (net.ipv4.ip_local_reserved_ports = " + reserved
                        + "), so Linux never hands it out as a source port; " + retry;
            }
            if (!PortChoice.isFree(line.host(), port)) {
                return "why: port " + port + " is in use (a listener, another connection's source port, or a closed"
                        + " connection in TIME_WAIT for up to a minute; see: ss -tan 'sport = :" + port + "'), and"
                        + " Linux does not hand out a port in use toward the same destination; wait a minute, or "
                        + retry;
            }
            return "why: port " + port + " is inside " + range + ", not reserved and free, but Linux did not hand it"
                    + " out in " + line.maxAttempts() + " attempts; run again, or raise --max-attempts";
        } catch (IOException e) {
            return "why: the ephemeral port range is unknown (" + e.getMessage() + "); pass --port N, an even port"
                    + " inside net.ipv4.ip_local_port_range";
        }
    }

    private static int serve(CommandLine line, PortChoice port, PrintStream out)
            throws IOException, InterruptedException {
        try (DemoServer server = new DemoServer(new InetSocketAddress(line.host(), port.port()))) {
            out.println("LISTENING " + Addresses.format(server.address()));
            if (line.forSeconds().isPresent()) {
                Thread.sleep(line.forSeconds().getAsInt() * 1000L);
            } else {
                Thread.currentThread().join();
            }
        }
        return ExitCodes.OK;
    }
}
