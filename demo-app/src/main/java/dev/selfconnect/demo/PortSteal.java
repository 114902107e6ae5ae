package dev.selfconnect.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The "port-steal" command, the harm told step by step: while a server restarts, its client's retry loop
 * self-connects on the server's port, and the server cannot bind it again.
 */
final class PortSteal {
    private static final String MESSAGE = "are you there?";

    private PortSteal() {
    }

    static int run(CommandLine line, PortChoice port, PrintStream out) throws IOException {
        InetSocketAddress address = new InetSocketAddress(line.host(), port.port());
        String where = Addresses.format(address);
        out.println("port-steal: the server on " + where + " restarts while its client reconnects");
        out.println("port " + port.port() + ": " + port.reason());

        out.println("[1/5] server: listening on " + where);
        try (ServerSocket server = new ServerSocket()) {
            server.bind(address);
            // The client closes first, so no TIME_WAIT of this connection sits on the server's port: if the
            // restart fails later, the client's new connection is the only thing holding the port.
            try (Socket client = new Socket(line.host(), port.port()); Socket accepted = server.accept()) {
                out.println("[2/5] client: connected, local=" + Addresses.format(localOf(client))
                        + " remote=" + where + "; then it disconnects");
                client.close();
                accepted.getInputStream().read();
            }
        }
        out.println("[3/5] server: stopped, as for a restart; nothing listens on port " + port.port());

        out.println("[4/5] client: reconnects in a typical retry loop (\"Connection refused\": try again)");
        RetryLoop.Result<Socket> result = RetryLoop.run(() -> new Socket(line.host(), port.port()), line.maxAttempts());
        try (Socket clientSocket = result.connection()) {
            boolean selfConnected = clientSocket != null && localOf(clientSocket).equals(address);
            reportClient(result, selfConnected, out);

            out.println("[5/5] server: restarts on " + where);
            try (ServerSocket restarted = restart(address, out)) {
                if (restarted != null) {
                    out.println("client: reconnects");
                    RetryLoop.Result<Socket> again = RetryLoop.run(() -> new Socket(line.host(), port.port()), 10);
                    try (Socket reconnected = again.connection()) {
                        out.println("attempts=" + again.attempts() + " local=" + Addresses.format(localOf(reconnected))
                                + " remote=" + where);
                        out.println("CONNECTED");
                    }
                    out.println("SERVER-RESTARTED");
                    return result.gaveUp() ? ExitCodes.NOT_REPRODUCED : ExitCodes.SERVER_RESTARTED;
                }
            }
            if (selfConnected) {
                out.println("server: cannot come back while its client holds port " + port.port());
                clientSocket.close();
                out.println("client: closes its socket at last; the server tries again");
                try (ServerSocket late = restart(address, out)) {
                    out.println(late != null ? "server: could bind only once the client let go"
                            : "server: still cannot bind: the closed self-connection waits in TIME_WAIT for about a"
                            + " minute, and SO_REUSEADDR does not override the TIME_WAIT of a socket that did not set it");
                }
            } else {
                out.println("server: see what holds port " + port.port() + " with: ss -tan 'sport = :" + port.port() + "'");
            }
            out.println("SERVER-RESTART-FAILED");
            if (result.gaveUp()) {
                return ExitCodes.NOT_REPRODUCED;
            }
            return clientSocket != null && !selfConnected ? ExitCodes.CONNECTED : ExitCodes.SERVER_RESTART_FAILED;
        }
    }

    private static void reportClient(RetryLoop.Result<Socket> result, boolean selfConnected, PrintStream out)
            throws IOException {
        Socket socket = result.connection();
        if (result.rejection() != null) {
            out.println("attempts=" + result.attempts() + " " + result.elapsed());
            out.println("REJECTED: " + ConnectFailures.describe(result.rejection()));
            out.println("client: the connect failed in a new way; it waits for the server before it retries");
        } else if (result.gaveUp()) {
            out.println("attempts=" + result.attempts() + " " + result.elapsed() + ": every attempt was refused");
            out.println("NOT-REPRODUCED");
        } else {
            out.println("attempts=" + result.attempts() + " local=" + Addresses.format(localOf(socket))
                    + " remote=" + Addresses.format((InetSocketAddress) socket.getRemoteSocketAddress()));
            out.println(result.elapsed());
            if (!selfConnected) {
                out.println("CONNECTED");
                out.println("client: another server took the port meanwhile");
                return;
            }
            out.println("SELF-CONNECTED");
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write((MESSAGE + "\n").getBytes(StandardCharsets.UTF_8));
            String reply = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            out.println("client: wrote \"" + MESSAGE + "\" and read back \"" + reply
                    + "\": it is talking to itself, and it holds the server's port");
        }
    }

    /** First as strict as can be (SO_REUSEADDR off), then as real servers bind (Java's ServerSocket, Netty, Tomcat). */
    private static ServerSocket restart(InetSocketAddress address, PrintStream out) throws IOException {
        for (boolean reuseAddress : new boolean[] {false, true}) {
            ServerSocket server = new ServerSocket();
            try {
                server.setReuseAddress(reuseAddress);
                server.bind(address);
                out.println("server: bind with SO_REUSEADDR=" + reuseAddress + ": ok");
                return server;
            } catch (IOException e) {
                server.close();
                out.println("server: bind with SO_REUSEADDR=" + reuseAddress + ": " + ConnectFailures.describe(e));
            }
        }
        return null;
    }

    private static InetSocketAddress localOf(Socket socket) {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }
}
