package dev.selfconnect.scenarios;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens the sockets its arguments name before anything else happens, says {@code READY pid=PID java=VERSION}, and
 * holds them until its standard input closes: for the tests of what the agent finds already open when it comes (an
 * attach). It knows nothing of the agent. Arguments:
 * <ul>
 *   <li>{@code listen=HOST:PORT}: a ServerSocket bound there ({@code *} for the wildcard)</li>
 *   <li>{@code self=PORT}: a Socket connected to 127.0.0.1:PORT (in a namespace whose ephemeral range is that one
 *   port, a self-connection)</li>
 * </ul>
 * On standard input, {@code echo} writes a byte to each connection held and reads one back (a self-connection
 * receives what it sends), answering {@code RESULT echo ok} or what went wrong: whether the connection is still open;
 * {@code listen=HOST:PORT} opens one more server socket, answering {@code RESULT listening PORT}.
 */
public final class HoldSockets {

    private HoldSockets() {
    }

    public static void main(String[] args) throws IOException {
        List<ServerSocket> servers = new ArrayList<ServerSocket>();
        List<Socket> connections = new ArrayList<Socket>();
        for (String arg : args) {
            if (arg.startsWith("listen=")) {
                servers.add(listen(arg));
            } else if (arg.startsWith("self=")) {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(arg.substring("self=".length()))),
                        2000);
                if (!socket.getLocalSocketAddress().equals(socket.getRemoteSocketAddress())) {
                    throw new IllegalStateException("not a self-connection: " + socket);
                }
                connections.add(socket);
            } else {
                throw new IllegalArgumentException(arg);
            }
        }
        System.out.println("READY pid=" + ConnectOnDemand.pid() + " java=" + System.getProperty("java.version"));
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.trim().equals("echo")) {
                System.out.println(echo(connections));
            } else if (line.trim().startsWith("listen=")) {
                ServerSocket server = listen(line.trim());
                servers.add(server);
                System.out.println("RESULT listening " + server.getLocalPort());
            } else {
                System.out.println("RESULT unknown command " + line);
            }
            System.out.flush();
        }
        for (Socket socket : connections) {
            socket.setSoLinger(true, 0); // no TIME_WAIT left on the test's port
            socket.close();
        }
        for (ServerSocket server : servers) {
            server.close();
        }
    }

    /** A server socket bound as {@code listen=HOST:PORT} says ({@code *} for the wildcard, port 0 for any). */
    private static ServerSocket listen(String arg) throws IOException {
        String endpoint = arg.substring("listen=".length());
        int colon = endpoint.lastIndexOf(':');
        String host = endpoint.substring(0, colon);
        int port = Integer.parseInt(endpoint.substring(colon + 1));
        ServerSocket server = new ServerSocket();
        server.bind(host.equals("*") ? new InetSocketAddress(port) : new InetSocketAddress(host, port));
        return server;
    }

    private static String echo(List<Socket> connections) {
        try {
            for (Socket socket : connections) {
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                out.write('x');
                out.flush();
                socket.setSoTimeout(2000);
                if (in.read() != 'x') {
                    return "RESULT echo wrong byte";
                }
            }
            return "RESULT echo ok " + connections.size();
        } catch (IOException e) {
            return "RESULT echo failed " + e;
        }
    }
}
