package dev.selfconnect.management;

import dev.selfconnect.reporting.AgentLog;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.util.function.Consumer;

/**
 * Registers {@code selfconnect:type=Agent} in the platform MBean server when that server comes to exist, not before:
 * creating it costs hundreds of milliseconds and initializes java.util.logging, which some application servers
 * must configure first. The instrumented {@code ManagementFactory.getPlatformMBeanServer()} hands every server it
 * returns to {@link #accept}; JConsole's local attach, a JMX exporter and the application all get it that way.
 */
public final class PlatformRegistration implements Consumer<Object> {

    public static final String OBJECT_NAME = "selfconnect:type=Agent";

    private final String version;
    private volatile Object registeredIn;

    public PlatformRegistration(String version) {
        this.version = version;
    }

    @Override
    public void accept(Object server) {
        if (server == registeredIn || !(server instanceof MBeanServer)) {
            return;
        }
        synchronized (this) {
            if (server == registeredIn) {
                return;
            }
            try {
                MBeanServer mbeans = (MBeanServer) server;
                ObjectName name = new ObjectName(OBJECT_NAME);
                if (!mbeans.isRegistered(name)) {
                    mbeans.registerMBean(new AgentStatus(version), name);
                }
                registeredIn = server;
            } catch (Throwable failure) {
                registeredIn = server;
                AgentLog.internalFailure("registering the MBean " + OBJECT_NAME, failure);
            }
        }
    }
}
