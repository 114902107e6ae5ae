package dev.selfconnect.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/** The "reproduce" command: connect in a retry loop until the connect succeeds, then tell whether it is a self-connection. */
final class Reproduce {
    private Reproduce() {
    }

    static int run(CommandLine line, PortChoice port, PrintStream out, Supplier<String> whyNotReproduced)
            throws IOException, InterruptedException {
        Api api = line.api();
        InetSocketAddress target = new InetSocketAddress(line.host(), port.port());
        out.printf("reproduce: connecting to %s with %s (--api %s) until it stops being refused, at most %d attempts%n",
                Addresses.format(target), api.description, api.cliName(), line.maxAttempts());
        out.println("port " + port.port() + ": " + port.reason());
        if (api == Api.HTTP) {
            out.println("note: " + HttpConnector.DISABLE_RETRY_CONNECT + "="
                    + System.getProperty(HttpConnector.DISABLE_RETRY_CONNECT, "true (set by the demo)"));
        }
        RetryLoop.Result<Connection> result;
        try (Connector connector = api.open()) {
            result = RetryLoop.run(() -> connector.connect(target), line.maxAttempts());
        }
        if (result.rejection() != null) {
            out.println("attempts=" + result.attempts() + " " + result.elapsed());
            out.println("REJECTED: " + ConnectFailures.describe(result.rejection()));
            return ExitCodes.REJECTED;
        }
        if (result.gaveUp()) {
            out.println("attempts=" + result.attempts() + " " + result.elapsed() + ": every attempt was refused");
            out.println(whyNotReproduced.get());
            out.println("NOT-REPRODUCED");
            return ExitCodes.NOT_REPRODUCED;
        }
        try (Connection connection = result.connection()) {
            out.println(connection.addressLine(result.attempts()));
            out.println(result.elapsed());
            if (connection.note() != null) {
                out.println("note: " + connection.note());
            }
            if (!connection.self()) {
                out.println("CONNECTED");
                return ExitCodes.CONNECTED;
            }
            out.println("SELF-CONNECTED");
            hold(line.holdSeconds(), connection, out);
            return ExitCodes.SELF_CONNECTED;
        }
    }

    private static void hold(int seconds, Connection connection, PrintStream out) throws InterruptedException {
        if (seconds == 0) {
            return;
        }
        if (connection.local() == null) {
            out.println("note: --hold has no effect with --api http: HttpClient has already closed its connection");
            return;
        }
        out.printf("holding the connection for %d s; see it with: ss -tn 'sport = :%d'%n",
                seconds, connection.local().getPort());
        Thread.sleep(seconds * 1000L);
    }
}
