package dev.selfconnect.scan;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * The listeners and self-connected sockets a process holds, as the kernel shows them: the rows of its
 * {@code net/tcp} and {@code net/tcp6} (every socket of its network namespace, read with the scan's parser) whose
 * inode is one of the process's own descriptors ({@code fd/N -> socket:[INODE]}). The agent reads its own JVM's this
 * way, to report what it could not see being made: sockets opened before an attach, or inherited from the parent.
 */
public final class OwnSockets {

    /** The real /proc. */
    public static final Path PROC = Paths.get("/proc");
    private static final String SELF = "self";
    private static final String IPV4_TABLE = "net/tcp";
    private static final String IPV6_TABLE = "net/tcp6";
    private static final String DESCRIPTORS = "fd";

    private final List<InetSocketAddress> listeners;
    private final List<Long> listenerInodes;
    private final List<InetSocketAddress> selfConnections;
    private final List<Long> selfConnectionInodes;
    private final int malformedLines;

    private OwnSockets(List<InetSocketAddress> listeners, List<Long> listenerInodes,
                       List<InetSocketAddress> selfConnections, List<Long> selfConnectionInodes, int malformedLines) {
        this.listeners = Collections.unmodifiableList(listeners);
        this.listenerInodes = listenerInodes;
        this.selfConnections = Collections.unmodifiableList(selfConnections);
        this.selfConnectionInodes = selfConnectionInodes;
        this.malformedLines = malformedLines;
    }

    /**
     * This process's sockets, read from {@code ROOT/self}: its descriptors first, then the tables, so that a socket
     * opened in between is left out rather than matched to nothing.
     *
     * @return null where there is no {@code ROOT/self/net/tcp} (not Linux, or no /proc mounted)
     * @throws IOException when the descriptors or a table that exists cannot be read
     */
    public static OwnSockets ofThisProcess(Path procRoot) throws IOException {
        Set<Long> inodes = socketInodes(procRoot);
        if (inodes == null) {
            return null;
        }
        if (inodes.isEmpty()) {
            return match(Collections.<TcpSocket>emptyList(), inodes, 0);
        }
        ProcFs proc = new ProcFs(procRoot);
        List<TcpSocket> sockets = new ArrayList<TcpSocket>();
        int malformed = read(proc.path(SELF, IPV4_TABLE), false, sockets);
        Path ipv6 = proc.path(SELF, IPV6_TABLE);
        if (Files.exists(ipv6)) { // absent where IPv6 is switched off
            malformed += read(ipv6, true, sockets);
        }
        return match(sockets, inodes, malformed);
    }

    /**
     * The inodes of the sockets this process holds now, by its descriptors ({@code ROOT/self/fd -> socket:[INODE]}):
     * cheaper than {@link #ofThisProcess}, to compare one of its readings with ({@link #within}).
     *
     * @return null where there is no {@code ROOT/self/net/tcp} (not Linux, or no /proc mounted)
     * @throws IOException when the descriptors cannot be listed
     */
    public static Set<Long> socketInodes(Path procRoot) throws IOException {
        Path self = procRoot.resolve(SELF);
        if (!Files.exists(self.resolve(IPV4_TABLE))) {
            return null;
        }
        return SocketInodes.in(self.resolve(DESCRIPTORS).toFile());
    }

    private static int read(Path table, boolean ipv6, List<TcpSocket> into) throws IOException {
        int[] length = new int[1];
        byte[] content = ProcFs.read(table, length);
        TcpTable parsed = TcpTable.parse(content, length[0], ipv6);
        into.addAll(parsed.sockets);
        return parsed.malformedLines;
    }

    /** The rows among these that belong to the process (their inode is one of its own) and listen or self-connect. */
    static OwnSockets match(List<TcpSocket> sockets, Set<Long> ownInodes, int malformedLines) {
        List<InetSocketAddress> listeners = new ArrayList<InetSocketAddress>();
        List<Long> listenerInodes = new ArrayList<Long>();
        List<InetSocketAddress> selfConnections = new ArrayList<InetSocketAddress>();
        List<Long> selfConnectionInodes = new ArrayList<Long>();
        for (TcpSocket socket : sockets) {
            if (socket.inode == 0 || !ownInodes.contains(socket.inode)) {
                continue;
            }
            if (socket.listening()) {
                listeners.add(new InetSocketAddress(TcpSocket.inet(socket.localAddress), socket.localPort));
                listenerInodes.add(socket.inode);
            } else if (socket.selfConnected()) {
                selfConnections.add(new InetSocketAddress(TcpSocket.inet(socket.localAddress), socket.localPort));
                selfConnectionInodes.add(socket.inode);
            }
        }
        return new OwnSockets(listeners, listenerInodes, selfConnections, selfConnectionInodes, malformedLines);
    }

    /**
     * The sockets of this reading whose inode is among these: those the process still holds at a later moment (the
     * same socket, so a new one on the same endpoint does not count), or held already at an earlier one.
     */
    public OwnSockets within(Set<Long> inodes) {
        List<InetSocketAddress> listeners = new ArrayList<InetSocketAddress>();
        List<Long> listenerInodes = new ArrayList<Long>();
        keep(this.listeners, this.listenerInodes, inodes, listeners, listenerInodes);
        List<InetSocketAddress> selfConnections = new ArrayList<InetSocketAddress>();
        List<Long> selfConnectionInodes = new ArrayList<Long>();
        keep(this.selfConnections, this.selfConnectionInodes, inodes, selfConnections, selfConnectionInodes);
        return new OwnSockets(listeners, listenerInodes, selfConnections, selfConnectionInodes, malformedLines);
    }

    private static void keep(List<InetSocketAddress> endpoints, List<Long> inodes, Collection<Long> among,
                             List<InetSocketAddress> keptEndpoints, List<Long> keptInodes) {
        for (int i = 0; i < endpoints.size(); i++) {
            if (among.contains(inodes.get(i))) {
                keptEndpoints.add(endpoints.get(i));
                keptInodes.add(inodes.get(i));
            }
        }
    }

    /** True when the process holds neither a listener nor a self-connected socket. */
    public boolean isEmpty() {
        return listeners.isEmpty() && selfConnections.isEmpty();
    }

    /** The process's listening sockets: address (the wildcard as the kernel shows it, 0.0.0.0 or ::) and port. */
    public List<InetSocketAddress> listeners() {
        return listeners;
    }

    /** The process's connected sockets whose local and remote endpoint are the same: that endpoint. */
    public List<InetSocketAddress> selfConnections() {
        return selfConnections;
    }

    /** Rows of the tables that were not well formed and were skipped. */
    public int malformedLines() {
        return malformedLines;
    }
}
