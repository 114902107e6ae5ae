package dev.selfconnect.detection;

import dev.selfconnect.SelfConnectException;
import dev.selfconnect.audit.Audit;
import dev.selfconnect.config.Mode;
import dev.selfconnect.config.Settings;
import dev.selfconnect.hooks.ConnectionFamily;
import dev.selfconnect.hooks.Families;
import dev.selfconnect.reporting.AgentLog;
import dev.selfconnect.reporting.AgentStatistics;
import dev.selfconnect.reporting.RepeatFolding;
import dev.selfconnect.reporting.SelfConnectionRecord;
import dev.selfconnect.vocabulary.ApplicationFrames;
import dev.selfconnect.vocabulary.EphemeralPorts;
import dev.selfconnect.vocabulary.KernelPortFiles;
import dev.selfconnect.vocabulary.Remedy;

import java.io.IOException;
import java.net.InetAddress;
import java.security.AccessController;
import java.security.PrivilegedAction;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Looks at every connection the JDK has just completed, through the strategy of its API family. The common case
 * (local port differs from remote port) costs two reads and allocates nothing. On a self-connection it decides first;
 * then, each step guarded on its own, it reports and, in throw mode, resets the connection and returns the exception
 * that the bridge throws into the application, so that a failure while reporting never lets a rejected
 * self-connection through.
 */
public final class ConnectGuard implements BiFunction<Object, Integer, IOException> {

    private static final String REJECTED = "reset the connection and threw SelfConnectException (mode=throw)";
    private static final String LEFT_OPEN = "the connection was left open (mode=log)";
    /**
     * Made in advance for a rejection whose own exception cannot be made (no memory, no stack left): shared, without a
     * stack trace of its own.
     */
    private static final SelfConnectException REJECTED_WITHOUT_DETAILS = new SelfConnectException(
            "Connection refused: self-connection (the agent could not write the details; see its log)");

    static {
        // Resolved now, with stack to spare: with the stack nearly used up, the failure handler in check cannot
        // afford the class loader's help to resolve what it names.
        Object rejection = REJECTED_WITHOUT_DETAILS;
        if (rejection instanceof VirtualMachineError) {
            throw new AssertionError(rejection);
        }
    }

    private final Settings settings;
    private final Families families;
    private final AgentStatistics statistics;
    private final Audit audit;
    private final Supplier<KernelPortFiles> ports;
    private final Reentrancy reentrancy;
    private final RepeatFolding folding;
    /** Connections already reported: a finishConnect on a connected channel returns true again. */
    private final Map<Object, Boolean> reported = Collections.synchronizedMap(new WeakHashMap<Object, Boolean>());

    /**
     * @param ports the kernel files, for the record's wording, read when first needed
     */
    public ConnectGuard(Settings settings, Families families, AgentStatistics statistics, Audit audit,
                        Supplier<KernelPortFiles> ports) {
        this(settings, families, statistics, audit, ports, new Reentrancy());
    }

    private ConnectGuard(Settings settings, Families families, AgentStatistics statistics, Audit audit,
                         Supplier<KernelPortFiles> ports, Reentrancy reentrancy) {
        this.settings = settings;
        this.families = families;
        this.statistics = statistics;
        this.audit = audit;
        this.ports = ports;
        this.reentrancy = reentrancy;
        this.folding = new RepeatFolding(settings.reportInterval());
    }

    /** The audit this guard reports to. */
    public Audit audit() {
        return audit;
    }

    /** The listener for refused connects that goes with this guard (they share the reentrancy mark). */
    public RefusalWatcher refusalWatcher() {
        return new RefusalWatcher(families, audit, reentrancy);
    }

    /** The listener for server binds that goes with this guard (they share the reentrancy mark). */
    public BindWatcher bindWatcher() {
        return new BindWatcher(families, audit, reentrancy);
    }

    /**
     * Under a security manager (JDK 8 to 17) the check runs with the agent's own permissions: the application's
     * frames on this thread's stack must not decide whether a self-connection is reset.
     */
    @Override
    @SuppressWarnings("removal")
    public IOException apply(final Object connection, final Integer familyId) {
        if (System.getSecurityManager() == null) {
            return check(connection, familyId);
        }
        return AccessController.doPrivileged(new PrivilegedAction<IOException>() {
            @Override
            public IOException run() {
                return check(connection, familyId);
            }
        });
    }

    private IOException check(Object connection, Integer familyId) {
        ConnectionFamily family;
        try {
            family = families.connection(familyId);
        } catch (Throwable failure) {
            AgentLog.internalFailure("making the API families", failure);
            return null;
        }
        // Decided before any deeper call: with the stack nearly used up, the failure handler below can call nothing.
        boolean failsClosed = settings.mode() == Mode.THROW && settings.ignore().isEmpty();
        boolean samePorts = false;
        boolean rejecting = false;
        IOException rejection = null;
        try {
            statistics.countCheck();
            if (!family.isTcp(connection)) {
                return null;
            }
            int remotePort = family.remotePort(connection);
            int localPort = family.localPort(connection);
            if (remotePort != localPort) {
                if (audit.mayBeAtRisk(remotePort, localPort)) {
                    connectRisk(family, connection, null, localPort, family.remoteAddress(connection), remotePort,
                            false);
                }
                return null;
            }
            samePorts = true;
            InetAddress localAddress = family.localAddress(connection);
            InetAddress remoteAddress = family.remoteAddress(connection);
            boolean reported = false;
            if (SelfConnectionDetector.isSelfConnection(localAddress, localPort, remoteAddress, remotePort)
                    && !settings.ignore().matches(remoteAddress, remotePort)
                    && this.reported.put(connection, Boolean.TRUE) == null) {
                rejecting = settings.mode() == Mode.THROW;
                rejection = selfConnection(family, connection, remoteAddress, remotePort);
                reported = true;
            }
            if (audit.mayBeAtRisk(remotePort, localPort)) {
                // the addresses read above: in throw mode the connection is closed by now, and a closed channel
                // no longer tells its addresses
                connectRisk(family, connection, localAddress, localPort, remoteAddress, remotePort, reported);
            }
            return rejection;
        } catch (Throwable failure) {
            // Out of memory or stack, say. What little is left goes first to the decision and the reset, then to
            // the report: a self-connection decided, or one that cannot be ruled out for want of memory or stack,
            // is rejected and reset all the same, since letting it through hands the application a socket that
            // talks to itself and holds the port.
            boolean reject = rejection == null
                    && (rejecting || samePorts && failsClosed && failure instanceof VirtualMachineError);
            if (reject) {
                try {
                    family.reset(connection);
                } catch (Throwable resetFailed) {
                    // the exception below still reaches the application
                }
            }
            try {
                AgentLog.internalFailure("checking a " + family.api() + " connection", failure);
            } catch (Throwable reportingFailed) {
                // counted where it could be; nothing more to do here
            }
            if (rejection != null) {
                return rejection; // rejected, reset and counted already
            }
            if (!reject) {
                return null;
            }
            try {
                statistics.countRejection();
            } catch (Throwable countingFailed) {
                // the internal failure is counted
            }
            return REJECTED_WITHOUT_DETAILS;
        }
    }


    /**
     * The remote port is in the ephemeral range: the audit decides, unless this connect is the agent's own.
     *
     * @param localAddress the local address if already read, else null: then it is read from the connection only
     *                     once the finding is new (Socket.getLocalAddress() is a system call)
     */
    private void connectRisk(ConnectionFamily family, Object connection, InetAddress localAddress, int localPort,
                             InetAddress remoteAddress, int remotePort, boolean framesShownAbove) throws Exception {
        if (!audit.isNewConnectRisk(remoteAddress, remotePort) || !reentrancy.enter()) {
            return;
        }
        try {
            audit.connectedToPortAtRisk(localAddress != null ? localAddress : family.localAddress(connection),
                    localPort, remoteAddress, remotePort, family.api(), framesShownAbove);
        } finally {
            reentrancy.exit();
        }
    }

    /**
     * A self-connection to report and, in throw mode, to reject. A connect made while reporting one (a log handler
     * that connects) is let through unreported.
     */
    private IOException selfConnection(ConnectionFamily family, Object connection, InetAddress address, int port) {
        if (!reentrancy.enter()) {
            return null;
        }
        boolean reject = settings.mode() == Mode.THROW;
        statistics.countSelfConnection();
        SelfConnectionRecord record = null;
        try {
            record = report(family, address, port, reject);
        } catch (Throwable failure) {
            AgentLog.internalFailure("reporting a self-connection", failure);
        } finally {
            reentrancy.exit();
        }
        if (!reject) {
            return null;
        }
        try {
            family.reset(connection);
        } catch (Throwable failure) {
            AgentLog.internalFailure("resetting a self-connection (the port may stay in TIME_WAIT for a minute)",
                    failure);
        }
        statistics.countRejection();
        try {
            return new SelfConnectException(record != null ? record.exceptionMessage()
                    : "Connection refused: self-connection to port " + port);
        } catch (Throwable noMemory) {
            return REJECTED_WITHOUT_DETAILS;
        }
    }

    private SelfConnectionRecord report(ConnectionFamily family, InetAddress address, int port, boolean reject) {
        KernelPortFiles files = ports.get();
        EphemeralPorts now = files == null ? null : files.current();
        String thread = Thread.currentThread().getName();
        SelfConnectionRecord record = new SelfConnectionRecord(address, port, family.api(), thread, now);
        String outcome = reject ? REJECTED : LEFT_OPEN;
        String[] frames = ApplicationFrames.of(new Throwable().getStackTrace());
        String folded = folding.next(record.endpoints() + " " + family.api(), System.currentTimeMillis());
        if (folded != null) {
            record.write(outcome + folded, frames, settings.stackTraces());
        }
        audit.selfConnection(address, port, family.api(), thread, frames, record.line(outcome),
                now == null ? Remedy.withoutKernelFiles(port) : Remedy.forPort(now, port));
        return record;
    }
}
