package dev.selfconnect.agent;

import dev.selfconnect.audit.Audit;
import dev.selfconnect.reporting.AgentLog;
import dev.selfconnect.scan.OwnSockets;
import dev.selfconnect.vocabulary.EphemeralPorts;
import dev.selfconnect.vocabulary.KernelPortFiles;

import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * The audit of what the JVM holds already when the agent starts checking: the listeners and self-connected sockets
 * it opened before an attach, or inherited from its parent, which no hook saw being made. They are read from the
 * kernel ({@link OwnSockets}) and handed to the audit in force as findings of the API {@link Audit#EXISTING_API}.
 * Runs on the agent's own threads only (the weaver thread after an install, the attach's thread on a
 * reconfiguration), never on an application thread; a failure is counted and reported, and the agent goes on.
 */
final class ExistingSockets {

    /**
     * How long a socket must stay to count as one the JVM held already: a connect or bind completing at the moment
     * of the first reading is the hooks' to report (they do within this time), and a self-connection that the guard
     * is resetting is gone by the second reading.
     */
    static final long SETTLE_MILLIS = 250;

    private ExistingSockets() {
    }

    /**
     * @param audit the audit in force; it applies the settings (risk findings on or off, the ignore list)
     * @param kernelFiles the kernel's range and reserved ports, asked for only to word a self-connection's record
     */
    static void audit(Audit audit, Supplier<KernelPortFiles> kernelFiles) {
        try {
            OwnSockets first = OwnSockets.ofThisProcess(OwnSockets.PROC);
            if (first == null || first.isEmpty()) {
                return; // null: no /proc (not Linux), and the kernel files' notice says the risk audit cannot run
            }
            Thread.sleep(SETTLE_MILLIS);
            OwnSockets later = OwnSockets.ofThisProcess(OwnSockets.PROC);
            if (later == null) {
                return;
            }
            OwnSockets own = first.stillHeldIn(later);
            for (InetSocketAddress listener : own.listeners()) {
                audit.existingListener(listener.getAddress(), listener.getPort());
            }
            if (own.selfConnections().isEmpty()) {
                return;
            }
            KernelPortFiles files = kernelFiles.get();
            EphemeralPorts now = files == null ? null : files.current();
            for (InetSocketAddress self : own.selfConnections()) {
                audit.existingSelfConnection(self.getAddress(), self.getPort(), now);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the agent's thread is asked to end: nothing more to do
        } catch (Throwable failure) {
            AgentLog.internalFailure("auditing the sockets this JVM held before the agent looked at them (they are"
                    + " not reported)", failure);
        }
    }
}
