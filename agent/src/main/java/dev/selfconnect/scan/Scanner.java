package dev.selfconnect.scan;

import dev.selfconnect.vocabulary.EphemeralPorts;
import dev.selfconnect.vocabulary.EventKind;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the sockets of one or every network namespace and finds self-connections and exposure in them. */
final class Scanner {

    /** Which namespaces to scan. */
    static final class Target {
        final String pid;
        final boolean all;

        private Target(String pid, boolean all) {
            this.pid = pid;
            this.all = all;
        }

        static Target current() {
            return new Target(null, false);
        }

        static Target process(String pid) {
            return new Target(pid, false);
        }

        static Target allNamespaces() {
            return new Target(null, true);
        }
    }

    static final class Result {
        final List<NamespaceScan> namespaces = new ArrayList<NamespaceScan>();
        /** Problems that concern no single namespace. */
        final List<String> problems = new ArrayList<String>();
        /** Processes whose namespace could not be seen at all (exited or hidden). */
        int processesUnseen;
        long nanos;
        /** Set when the target itself is wrong (no such process): a usage error. */
        String error;

        int findings() {
            int n = 0;
            for (NamespaceScan namespace : namespaces) {
                n += namespace.findings.size();
            }
            return n;
        }
    }

    /** How many processes of a foreign namespace are tried, each an nsenter, when the ones before have exited. */
    private static final int MAX_NAMESPACE_ENTRIES = 8;
    private static final List<EventKind> KIND_ORDER = Arrays.asList(EventKind.SELF_CONNECTION, EventKind.RISK_LISTEN,
            EventKind.RISK_CONNECT);
    private static final Comparator<Finding> BY_KIND_AND_PORT = new Comparator<Finding>() {
        @Override
        public int compare(Finding a, Finding b) {
            int kind = KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind);
            return kind != 0 ? kind : a.port() != b.port() ? a.port() - b.port()
                    : a.socket.localPort - b.socket.localPort;
        }
    };

    private final ProcFs proc;
    private final ForeignSysctls foreign;

    Scanner(ProcFs proc, ForeignSysctls foreign) {
        this.proc = proc;
        this.foreign = foreign;
    }

    Result scan(Target target) {
        long start = System.nanoTime();
        Result result = new Result();
        Object ownKey = proc.netKey("self");
        long[] pids;
        try {
            pids = proc.pids();
        } catch (IOException | RuntimeException e) {
            result.problems.add("cannot list the processes in " + proc.root + " (" + e + ")");
            pids = new long[0];
        }
        // Every process, by namespace: the owners of sockets are looked for among the processes of its namespace.
        Map<Object, List<String>> byNamespace = new LinkedHashMap<Object, List<String>>();
        for (long pid : pids) {
            String id = Long.toString(pid);
            Object key = proc.netKey(id);
            if (key == null) {
                result.processesUnseen++;
                continue;
            }
            List<String> members = byNamespace.get(key);
            if (members == null) {
                members = new ArrayList<String>();
                byNamespace.put(key, members);
            }
            members.add(id);
        }

        List<Object> keys = new ArrayList<Object>();
        if (target.all) {
            if (ownKey != null && !byNamespace.containsKey(ownKey)) {
                keys.add(ownKey);
            }
            keys.addAll(byNamespace.keySet());
            if (ownKey != null) {
                keys.remove(ownKey);
                keys.add(0, ownKey);
            }
        } else if (target.pid != null) {
            Object key = proc.netKey(target.pid);
            if (key == null) {
                result.error = "there is no process " + target.pid + " whose sockets this user can see";
                result.nanos = System.nanoTime() - start;
                return result;
            }
            keys.add(key);
        } else if (ownKey != null) {
            keys.add(ownKey);
        } else {
            result.problems.add("cannot read " + proc.path("self", "net/tcp") + ": no sockets to scan");
        }

        for (Object key : keys) {
            boolean own = key.equals(ownKey);
            List<String> members = byNamespace.get(key);
            if (members == null) {
                members = new ArrayList<String>();
            }
            List<String> readers = new ArrayList<String>();
            if (own) {
                readers.add("self");
            } else if (target.pid != null) {
                readers.add(target.pid);
            }
            readers.addAll(members);
            NamespaceScan namespace = scanNamespace(key, readers, own, members);
            if (namespace != null) {
                result.namespaces.add(namespace);
            } else if (target.pid != null || own) {
                result.problems.add("the sockets of the network namespace of " + (own ? "this process"
                        : "process " + target.pid) + " cannot be read");
            } else {
                result.problems.add("a network namespace (pids " + summary(members) + ") was left: its processes"
                        + " exited or hide their sockets from this user");
            }
        }
        result.nanos = System.nanoTime() - start;
        return result;
    }

    private static String summary(List<String> pids) {
        return pids.size() <= 3 ? String.join(", ", pids) : pids.get(0) + ", " + pids.get(1) + " and "
                + (pids.size() - 2) + " more";
    }

    /** The namespace read through the first of the processes that can still be read; null if none can. */
    private NamespaceScan scanNamespace(Object key, List<String> readers, boolean own, List<String> members) {
        for (String via : readers) {
            List<TcpSocket> sockets = new ArrayList<TcpSocket>();
            List<String> problems = new ArrayList<String>();
            boolean complete = true;
            for (String file : new String[] {"net/tcp", "net/tcp6"}) {
                boolean ipv6 = file.endsWith("6");
                try {
                    int[] length = new int[1];
                    byte[] content = ProcFs.read(proc.path(via, file), length);
                    TcpTable table = TcpTable.parse(content, length[0], ipv6);
                    sockets.addAll(table.sockets);
                    if (table.malformedLines > 0) {
                        problems.add(proc.path(via, file) + ": " + table.malformedLines + " malformed line(s) skipped,"
                                + " the first at " + table.firstMalformed);
                    }
                } catch (NoSuchFileException missing) {
                    // no tcp6 where the kernel has no IPv6; otherwise the process has exited
                    complete = ipv6 && Files.isRegularFile(proc.path(via, "net/tcp"));
                } catch (AccessDeniedException denied) {
                    problems.add("cannot read " + proc.path(via, file) + ": permission denied");
                    complete = ipv6;
                } catch (IOException | RuntimeException e) {
                    problems.add("cannot read " + proc.path(via, file) + " (" + e + ")");
                    complete = ipv6;
                }
                if (!complete) {
                    break;
                }
            }
            if (!complete) {
                continue;
            }
            String name = proc.netNamespaceName(via);
            NamespaceScan namespace = new NamespaceScan(name != null ? name : "net:? (pid " + via + ")",
                    own ? "self" : via, own);
            if (own && name == null) {
                namespace.problems.add("cannot read " + proc.path("self", "ns/net"));
            }
            namespace.problems.addAll(problems);
            namespace.sockets = sockets.size();
            readSettings(namespace, own, readers);
            analyze(namespace, sockets);
            Collections.sort(namespace.findings, BY_KIND_AND_PORT);
            findOwners(namespace, key, members);
            return namespace;
        }
        return null;
    }

    private void readSettings(NamespaceScan namespace, boolean own, List<String> readers) {
        if (own) {
            String range;
            try {
                range = ProcFs.readText(proc.root.resolve("sys/net/ipv4/ip_local_port_range"));
            } catch (IOException | RuntimeException e) {
                namespace.portsProblem = "its ephemeral port range cannot be read (" + e + ")";
                return;
            }
            String reserved;
            try {
                reserved = ProcFs.readText(proc.root.resolve("sys/net/ipv4/ip_local_reserved_ports"));
            } catch (IOException | RuntimeException e) {
                reserved = "";
            }
            String[] problem = new String[1];
            namespace.ports = NamespacePorts.parse(range, reserved, problem);
            namespace.portsProblem = problem[0];
            return;
        }
        if (foreign == null) {
            namespace.portsProblem = "its ephemeral port range cannot be read from outside it";
            return;
        }
        // The oldest processes first: the ones least likely to exit while nsenter enters through them.
        List<String> candidates = new ArrayList<String>(new LinkedHashSet<String>(readers));
        final Map<String, Long> started = new HashMap<String, Long>();
        for (String pid : candidates) {
            long time = proc.startTime(pid);
            started.put(pid, time < 0 ? Long.MAX_VALUE : time);
        }
        Collections.sort(candidates, new Comparator<String>() {
            @Override
            public int compare(String a, String b) {
                return started.get(a).compareTo(started.get(b));
            }
        });
        String[] problem = new String[1];
        for (int i = 0; i < Math.min(MAX_NAMESPACE_ENTRIES, candidates.size()); i++) {
            namespace.ports = foreign.read(candidates.get(i), problem);
            if (namespace.ports != null) {
                namespace.portsProblem = null;
                return;
            }
            namespace.portsProblem = problem[0];
            if (proc.netKey(candidates.get(i)) != null) {
                return; // the process is there: entering failed for want of rights, as it would through any other
            }
        }
    }

    static void analyze(NamespaceScan namespace, List<TcpSocket> sockets) {
        EphemeralPorts ports = namespace.ports;
        Set<Integer> riskyPorts = new HashSet<Integer>();
        for (TcpSocket socket : sockets) {
            if (socket.selfConnected()) {
                namespace.findings.add(new Finding(EventKind.SELF_CONNECTION, socket));
            } else if (ports != null && socket.listening() && ports.atRisk(socket.localPort)) {
                namespace.findings.add(new Finding(EventKind.RISK_LISTEN, socket));
                riskyPorts.add(socket.localPort);
            }
        }
        if (riskyPorts.isEmpty()) {
            return;
        }
        // The server side of each connection accepted on a port at risk, by its endpoints: a client in this
        // namespace whose peer is among them connected to that listener from this host.
        Set<String> accepted = new HashSet<String>();
        for (TcpSocket socket : sockets) {
            if (socket.connected() && riskyPorts.contains(socket.localPort) && !socket.selfConnected()) {
                accepted.add(key(socket.localAddress, socket.localPort, socket.remoteAddress, socket.remotePort));
            }
        }
        for (TcpSocket socket : sockets) {
            if (socket.connected() && riskyPorts.contains(socket.remotePort) && socket.localPort != socket.remotePort
                    && accepted.contains(key(socket.remoteAddress, socket.remotePort, socket.localAddress,
                    socket.localPort))) {
                namespace.findings.add(new Finding(EventKind.RISK_CONNECT, socket));
            }
        }
    }

    private static String key(byte[] localAddress, int localPort, byte[] remoteAddress, int remotePort) {
        StringBuilder sb = new StringBuilder(80);
        for (byte b : localAddress) {
            sb.append(b & 0xff).append('.');
        }
        sb.append(localPort).append('>');
        for (byte b : remoteAddress) {
            sb.append(b & 0xff).append('.');
        }
        return sb.append(remotePort).toString();
    }

    /**
     * Walks the descriptors of the namespace's processes until every finding's socket has its owner; then, for those
     * still without one, the processes that started after the first listing.
     */
    private void findOwners(NamespaceScan namespace, Object key, List<String> members) {
        Map<Long, List<Finding>> wanted = new HashMap<Long, List<Finding>>();
        for (Finding finding : namespace.findings) {
            if (finding.socket.inode != 0) {
                List<Finding> list = wanted.get(finding.socket.inode);
                if (list == null) {
                    list = new ArrayList<Finding>();
                    wanted.put(finding.socket.inode, list);
                }
                list.add(finding);
            }
        }
        Set<String> visited = new HashSet<String>();
        walk(namespace, likelyOwnersFirst(members, namespace.findings), wanted, visited);
        if (!wanted.isEmpty()) {
            List<String> later = new ArrayList<String>();
            try {
                for (long pid : proc.pids()) {
                    String id = Long.toString(pid);
                    if (!visited.contains(id) && key.equals(proc.netKey(id))) {
                        later.add(id);
                    }
                }
            } catch (IOException | RuntimeException e) {
                namespace.problems.add("cannot list the processes again (" + e + ")");
            }
            walk(namespace, later, wanted, visited);
        }
        Map<String, Finding> described = new HashMap<String, Finding>();
        for (Finding finding : namespace.findings) {
            if (finding.pid == null) {
                continue;
            }
            Finding same = described.get(finding.pid);
            if (same == null) {
                finding.command = proc.commandLine(finding.pid);
                finding.commandName = proc.commandName(finding.pid);
                finding.jvm = proc.runsJvm(finding.pid);
                finding.agentJarOpen = Boolean.TRUE.equals(finding.jvm) ? proc.hasAgentJarOpen(finding.pid) : null;
                finding.identity = OwnerIdentity.of(proc, finding.pid, Boolean.TRUE.equals(finding.agentJarOpen));
                described.put(finding.pid, finding);
            } else {
                finding.command = same.command;
                finding.commandName = same.commandName;
                finding.jvm = same.jvm;
                finding.agentJarOpen = same.agentJarOpen;
                finding.identity = same.identity;
            }
            if (namespace.pod == null && finding.identity != null) {
                namespace.pod = finding.identity.pod();
            }
        }
    }

    /**
     * The processes whose uid created one of the sockets first: a socket's uid in the table is its creator's, so its
     * holder usually runs as that uid. Only the order changes: a process that changed its uid since is still walked.
     */
    private List<String> likelyOwnersFirst(List<String> members, List<Finding> findings) {
        Set<Long> uids = new HashSet<Long>();
        for (Finding finding : findings) {
            uids.add(finding.socket.uid);
        }
        if (uids.size() != 1 || findings.isEmpty()) {
            return members;
        }
        List<String> first = new ArrayList<String>();
        List<String> then = new ArrayList<String>();
        for (String pid : members) {
            (uids.contains(proc.uid(pid)) ? first : then).add(pid);
        }
        first.addAll(then);
        return first;
    }

    private void walk(NamespaceScan namespace, List<String> pids, final Map<Long, List<Finding>> wanted,
                      Set<String> visited) {
        for (final String pid : pids) {
            if (wanted.isEmpty()) {
                return;
            }
            visited.add(pid);
            ProcFs.WalkResult walk = proc.walkSockets(pid, new ProcFs.SocketVisitor() {
                @Override
                public boolean socket(long inode) {
                    List<Finding> found = wanted.remove(inode);
                    if (found != null) {
                        for (Finding finding : found) {
                            finding.pid = pid;
                        }
                    }
                    return !wanted.isEmpty();
                }
            });
            if (walk == ProcFs.WalkResult.DENIED) {
                namespace.processesDenied++;
            }
        }
    }
}
