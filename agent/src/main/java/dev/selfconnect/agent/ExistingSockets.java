package dev.selfconnect.agent;

import dev.selfconnect.audit.Audit;
import dev.selfconnect.reporting.AgentLog;
import dev.selfconnect.scan.OwnSockets;
import dev.selfconnect.vocabulary.EphemeralPorts;
import dev.selfconnect.vocabulary.KernelPortFiles;

import java.net.InetSocketAddress;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The audit of what the JVM held before the agent looked: the listeners and self-connected sockets it opened before
 * an attach, or inherited from its parent, which no hook saw being made. They are read from the kernel
 * ({@link OwnSockets}) and handed to the audit in force as findings of the API {@link Audit#EXISTING_API}; the audit
 * applies the settings and reports each endpoint once. Only those sockets count, never one the application opened
 * while the hooks were there: the hooks report those (a bind to port 0, which they leave out on purpose, would
 * otherwise come back as a finding here). Runs on the agent's own threads only (the weaver thread after an install,
 * the attach's thread on a reconfiguration), never on an application thread; a failure is counted and reported, and
 * the agent goes on. The installation has one, made on the first of those threads that needs it.
 */
final class ExistingSockets {

    /**
     * On an attach, how long a socket must stay to count as one the JVM held already: a connect or bind completing as
     * the hooks are woven is theirs to report (they do within this time), and a self-connection that the guard is
     * resetting is gone by the second reading.
     */
    static final long SETTLE_MILLIS = 250;

    /** The sockets found held before the agent looked, for a reconfiguration to audit again; null before any. */
    private volatile OwnSockets heldBefore;

    /**
     * On an attach that installs the agent: every listener and self-connection the JVM holds now, unless it came or
     * went during the settle time.
     *
     * @param audit the audit in force; it applies the settings (risk findings on or off, the ignore list)
     * @param kernelFiles the kernel's range and reserved ports, asked for only to word a self-connection's record
     */
    void auditAtAttach(Audit audit, Supplier<KernelPortFiles> kernelFiles) {
        try {
            OwnSockets first = OwnSockets.ofThisProcess(OwnSockets.PROC);
            if (first == null || first.isEmpty()) {
                heldBefore = first;
                return; // null: no /proc (not Linux), and the kernel files' notice says the risk audit cannot run
            }
            Thread.sleep(SETTLE_MILLIS);
            Set<Long> stillHeld = OwnSockets.socketInodes(OwnSockets.PROC);
            if (stillHeld != null) {
                report(first.within(stillHeld), audit, kernelFiles);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the agent's thread is asked to end: nothing more to do
        } catch (Throwable failure) {
            failed(failure);
        }
    }

    /**
     * At startup, with the agent's deferred work: those of the sockets the JVM held while premain ran that it still
     * holds (inherited from the parent process, or opened by the JVM itself before the agent).
     *
     * @param atStart their inodes; null when they are not known, and then nothing is reported
     */
    void auditAtStartup(Audit audit, Supplier<KernelPortFiles> kernelFiles, Set<Long> atStart) {
        if (atStart == null || atStart.isEmpty()) {
            return;
        }
        try {
            OwnSockets now = OwnSockets.ofThisProcess(OwnSockets.PROC);
            if (now != null) {
                report(now.within(atStart), audit, kernelFiles);
            }
        } catch (Throwable failure) {
            failed(failure);
        }
    }

    /** On a reconfiguration: those sockets again, the ones still held, under the new settings. */
    void auditAgain(Audit audit, Supplier<KernelPortFiles> kernelFiles) {
        OwnSockets before = heldBefore;
        if (before == null || before.isEmpty()) {
            return;
        }
        try {
            Set<Long> stillHeld = OwnSockets.socketInodes(OwnSockets.PROC);
            if (stillHeld != null) {
                report(before.within(stillHeld), audit, kernelFiles);
            }
        } catch (Throwable failure) {
            failed(failure);
        }
    }

    private void report(OwnSockets held, Audit audit, Supplier<KernelPortFiles> kernelFiles) {
        heldBefore = held;
        for (InetSocketAddress listener : held.listeners()) {
            audit.existingListener(listener.getAddress(), listener.getPort());
        }
        if (held.selfConnections().isEmpty()) {
            return;
        }
        KernelPortFiles files = kernelFiles.get();
        EphemeralPorts now = files == null ? null : files.current();
        for (InetSocketAddress self : held.selfConnections()) {
            audit.existingSelfConnection(self.getAddress(), self.getPort(), now);
        }
    }

    private static void failed(Throwable failure) {
        AgentLog.internalFailure("auditing the sockets this JVM held before the agent looked at them (they are not"
                + " reported)", failure);
    }
}
