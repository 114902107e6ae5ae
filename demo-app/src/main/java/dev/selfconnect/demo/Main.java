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
                    return Reproduce.run(line, port(line, rangeFile), out);
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
            if (port % 2 != 0 && !range.isSinglePort()) {
                return Optional.of("odd, and Linux hands out even source ports first, so this may take very long");
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
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
