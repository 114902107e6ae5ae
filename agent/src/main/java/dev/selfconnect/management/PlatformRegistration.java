package dev.selfconnect.management;

import dev.selfconnect.reporting.AgentLog;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.util.function.Consumer;

/**
 * Registers {@code selfconnect:type=Agent} in the platform MBean server when that server comes to exist, not before:
 * creating it costs hundreds of milliseconds and initializes java.util.logging, which some application servers
 * must configure first. The hooked {@code ManagementFactory.getPlatformMBeanServer()} hands every server it returns
 * to {@link #accept}; JConsole's local attach, a JMX exporter and the application all get it that way.
 */
public final class PlatformRegistration implements Consumer<Object> {

    public static final String OBJECT_NAME = "selfconnect:type=Agent";

    private volatile Object registeredIn;
    /** The last server seen, so that the MBean comes back when the agent is switched on again. */
    private volatile Object known;

    @Override
    public void accept(Object server) {
        if (server == registeredIn || !(server instanceof MBeanServer)) {
            return;
        }
        synchronized (this) {
            if (server == registeredIn) {
                return;
            }
            known = server;
            try {
                MBeanServer mbeans = (MBeanServer) server;
                ObjectName name = new ObjectName(OBJECT_NAME);
                if (!mbeans.isRegistered(name)) {
                    mbeans.registerMBean(new AgentStatus(), name);
                }
                registeredIn = server;
            } catch (Throwable failure) {
                registeredIn = server;
                AgentLog.internalFailure("registering the MBean " + OBJECT_NAME, failure);
            }
        }
    }

    /** Registers the MBean again in the last server seen, if any: the agent is active again. */
    public void registerAgain() {
        Object server = known;
        if (server != null) {
            accept(server);
        }
    }

    /** Takes the MBean out of the server it was registered in: the agent is switched off or detached. */
    public synchronized void unregister() {
        Object server = registeredIn;
        registeredIn = null;
        if (!(server instanceof MBeanServer)) {
            return;
        }
        try {
            ObjectName name = new ObjectName(OBJECT_NAME);
            if (((MBeanServer) server).isRegistered(name)) {
                ((MBeanServer) server).unregisterMBean(name);
            }
        } catch (Throwable failure) {
            AgentLog.internalFailure("unregistering the MBean " + OBJECT_NAME, failure);
        }
    }
}
