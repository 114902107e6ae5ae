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

    private ExistingSockets() {
    }

    /**
     * @param audit the audit in force; it applies the settings (risk findings on or off, the ignore list)
     * @param kernelFiles the kernel's range and reserved ports, asked for only to word a self-connection's record
     */
    static void audit(Audit audit, Supplier<KernelPortFiles> kernelFiles) {
        try {
            OwnSockets own = OwnSockets.ofThisProcess(OwnSockets.PROC);
            if (own == null) {
                return; // no /proc (not Linux): the kernel files' notice says the risk audit cannot run here
            }
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
        } catch (Throwable failure) {
            AgentLog.internalFailure("auditing the sockets this JVM held before the agent looked at them (they are"
                    + " not reported)", failure);
        }
    }
}
