package dev.selfconnect.agent;

import dev.selfconnect.config.InvalidSettingException;
import dev.selfconnect.config.Mode;
import dev.selfconnect.config.Settings;
import dev.selfconnect.config.SettingsLoader;
import dev.selfconnect.detection.ConnectGuard;
import dev.selfconnect.detection.ConnectionResetter;
import dev.selfconnect.instrumentation.ConnectInstrumentation;
import dev.selfconnect.reporting.AgentLog;
import dev.selfconnect.reporting.AgentStatistics;

import java.lang.instrument.Instrumentation;

/**
 * The agent's life in one JVM: installed once whichever entry point and however often it is called, reconfigured
 * or removed when a running JVM is attached to again, and asked for its status.
 */
public final class AgentInstaller {

    /** The system property that tells the command-line tool this agent's state in a running JVM. */
    public static final String MARKER_PROPERTY = "dev.selfconnect.agent";

    private static final Object lock = new Object();
    private static final AgentStatistics statistics = new AgentStatistics();
    private static ConnectInstrumentation installation;
    private static Settings settings;

    private AgentInstaller() {
    }

    static void installAtStartup(String arguments, Instrumentation instrumentation) {
        ConnectInstrumentation.Preparation preparation = ConnectInstrumentation.prepare(instrumentation, true);
        Settings loaded;
        try {
            loaded = SettingsLoader.load(arguments, System.getProperties(), System.getenv());
        } catch (InvalidSettingException e) {
            AgentLog.error(e.getMessage());
            AgentLog.error("the JVM stops here, as it does for a bad -XX option; fix the setting or remove "
                    + "-javaagent:selfconnect.jar");
            System.exit(1);
            return;
        }
        applyAtStartup(loaded, instrumentation, preparation);
    }

    /**
     * On an attach: installs with these settings, or reconfigures the agent already installed.
     *
     * @return the line that was logged, which also answers the attach
     */
    static AttachReply applyOnAttach(Settings newSettings, Instrumentation instrumentation) {
        return apply(newSettings, instrumentation, null);
    }

    /** At startup: install with a preparation started before the settings were read. */
    private static AttachReply applyAtStartup(Settings newSettings, Instrumentation instrumentation,
                                              ConnectInstrumentation.Preparation preparation) {
        try {
            return apply(newSettings, instrumentation, preparation);
        } finally {
            preparation.cancel(); // a no-op if the installation used it
        }
    }

    /**
     * Installs with these settings, or, when the agent is already installed, reconfigures it on an attach and
     * otherwise leaves it alone. Never throws: the application goes on whatever happens here.
     *
     * @param startupPreparation the weaving prepared in premain; null on an attach
     * @return the line that was logged
     */
    private static AttachReply apply(Settings newSettings, Instrumentation instrumentation,
                                     ConnectInstrumentation.Preparation startupPreparation) {
        boolean reconfigure = startupPreparation == null;
        String agent = "selfconnect " + version();
        synchronized (lock) {
            String outcome;
            AttachReply.Status status;
            boolean anotherCopy = false;
            try {
                if (installation == null && ConnectInstrumentation.anotherCopyIsActive(instrumentation)) {
                    anotherCopy = true;
                    status = AttachReply.Status.ANOTHER_COPY;
                    outcome = agent + " is already installed in this JVM by another copy; this copy does nothing";
                } else if (installation != null && !reconfigure) {
                    status = AttachReply.Status.RECONFIGURED;
                    outcome = agent + " is already installed in this JVM; this copy does nothing";
                } else if (newSettings.mode() == Mode.OFF) {
                    boolean removed = installation != null;
                    status = AttachReply.Status.OFF;
                    uninstall();
                    settings = newSettings;
                    outcome = agent + (removed ? " removed its instrumentation: " : " installed nothing: ")
                            + newSettings.describe();
                } else if (installation != null) {
                    installation.replaceGuard(guard(newSettings));
                    status = AttachReply.Status.RECONFIGURED;
                    settings = newSettings;
                    outcome = agent + " reconfigured: " + newSettings.describe();
                } else {
                    // issue 6 (audit): the platform-server hook registers the MBean when JMX comes to exist
                    installation = ConnectInstrumentation.install(startupPreparation != null ? startupPreparation
                                    : ConnectInstrumentation.prepare(instrumentation, false), guard(newSettings),
                            new dev.selfconnect.management.PlatformRegistration(version()));
                    settings = newSettings;
                    status = AttachReply.Status.INSTALLED;
                    outcome = agent + " active on Java " + System.getProperty("java.version") + ": "
                            + newSettings.describe();
                }
            } catch (Throwable failure) {
                AgentLog.internalFailure("installing " + agent + " (self-connections are not checked)", failure);
                mark("failed");
                return new AttachReply(AttachReply.Status.FAILED, agent + " failed to install: " + failure);
            }
            if (!anotherCopy) {
                mark(null);
            }
            AgentLog.info(outcome);
            return new AttachReply(status, outcome);
        }
    }

    /**
     * Removes the instrumentation, if any: nothing is checked any more, and the JDK classes woven by
     * retransformation (all of them after an attach) return to their original form.
     */
    static AttachReply detach() {
        String agent = "selfconnect " + version();
        synchronized (lock) {
            try {
                boolean active = installation != null;
                boolean restored = uninstall();
                String outcome = !active ? agent + " was not active in this JVM: nothing to detach"
                        : restored ? agent + " detached: the JDK classes are restored and nothing is checked any more"
                        : agent + " detached: nothing is checked any more; the JDK classes woven as they loaded at "
                        + "startup keep a hook that does nothing";
                mark(null);
                AgentLog.info(outcome);
                return new AttachReply(active ? AttachReply.Status.DETACHED : AttachReply.Status.NOT_ACTIVE, outcome);
            } catch (Throwable failure) {
                AgentLog.internalFailure("detaching " + agent, failure);
                return new AttachReply(AttachReply.Status.FAILED, agent + " failed to detach: " + failure);
            }
        }
    }

    static AttachReply status() {
        synchronized (lock) {
            String state = installation != null ? "active" : settings == null ? "not active"
                    : settings.mode() == Mode.OFF ? "not active (mode=off)" : "not active (detached)";
            return new AttachReply(AttachReply.Status.STATUS, "selfconnect " + version() + " " + state + " on Java "
                    + System.getProperty("java.version")
                    + "\n" + "settings: " + (settings == null ? "none" : settings.describe())
                    + "\n" + "counters: " + statistics.describe());
        }
    }

    /**
     * Leaves the agent's state in the system property {@value #MARKER_PROPERTY}, where {@code selfconnect.jar list}
     * and the other commands read it through the attach API without loading anything into the JVM:
     * {@code active|off|detached|failed; VERSION; SETTINGS}. The name is outside the {@code selfconnect.} prefix,
     * which the agent reserves for its settings.
     *
     * @param failure "failed", or null to describe the state the agent is in
     */
    private static void mark(String failure) {
        String state = failure != null ? failure : installation != null ? "active"
                : settings != null && settings.mode() == Mode.OFF ? "off" : "detached";
        try {
            System.setProperty(MARKER_PROPERTY, state + "; " + version() + "; "
                    + (settings == null ? "" : settings.describe()));
        } catch (RuntimeException e) {
            // A security manager may forbid it: only the listing loses the information.
        }
    }

    /** @return true if the JDK classes are back in their original form (also when nothing was installed) */
    private static boolean uninstall() {
        if (installation == null) {
            return true;
        }
        boolean restored = installation.uninstall();
        installation = null;
        return restored;
    }

    private static ConnectGuard guard(Settings newSettings) {
        // issue 6 (audit): risk findings, JSON Lines file, JFR; Audit.configure reads the /proc files if risks are on
        return new ConnectGuard(newSettings, new ConnectionResetter(), statistics,
                dev.selfconnect.audit.Audit.configure(newSettings, statistics));
    }

    static String version() {
        String version = AgentInstaller.class.getPackage().getImplementationVersion();
        return version == null ? "(development build)" : version;
    }
}
