package dev.selfconnect.agent;

import dev.selfconnect.audit.Audit;
import dev.selfconnect.audit.Findings;
import dev.selfconnect.config.AuditFileCheck;
import dev.selfconnect.config.InvalidSettingException;
import dev.selfconnect.config.Mode;
import dev.selfconnect.config.Settings;
import dev.selfconnect.config.SettingsLoader;
import dev.selfconnect.detection.ConnectGuard;
import dev.selfconnect.identity.AgentIdentity;
import dev.selfconnect.hooks.Families;
import dev.selfconnect.hooks.InternalAccess;
import dev.selfconnect.hooks.ModuleFamilies;
import dev.selfconnect.instrumentation.BridgeListeners;
import dev.selfconnect.instrumentation.ConnectInstrumentation;
import dev.selfconnect.instrumentation.HookWatch;
import dev.selfconnect.instrumentation.Protection;
import dev.selfconnect.management.PlatformRegistration;
import dev.selfconnect.reporting.AgentLog;
import dev.selfconnect.reporting.AgentStatistics;
import dev.selfconnect.reporting.ReportQueue;
import dev.selfconnect.state.AgentState;
import dev.selfconnect.vocabulary.KernelPortFiles;

import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.function.Supplier;

/**
 * The agent's life in one JVM: installed once whichever entry point and however often it is called, reconfigured,
 * switched off or removed when a running JVM is attached to again, and asked for its status. Each change puts a new
 * {@link AgentState} in force.
 */
public final class AgentInstaller {

    /** How long an attach waits for the weaving to be verified before it answers. */
    private static final long VERIFY_WAIT_MILLIS = 10_000;

    private static final Object lock = new Object();
    /** The statistics and findings belong to the JVM: they carry over from one state to the next. */
    private static final AgentStatistics statistics = new AgentStatistics();
    private static final Findings findings = new Findings();
    private static final PlatformRegistration registration = new PlatformRegistration();
    private static ConnectInstrumentation installation;
    private static InternalAccess internalAccess;
    private static Families families;
    private static KernelPortFiles kernelFiles;
    /** In premain: the status publisher starts from the weaver thread once the application's first steps are past. */
    private static boolean atStartupInProgress;
    /** Watches the hooks of the installation in force; made on the status thread at its first check. */
    private static HookWatch hookWatch;
    private static ConnectInstrumentation watched;
    private static volatile boolean publishing;

    /** The status thread's publisher, made when it starts: at startup not before main. */
    private static final class Publishing {
        static final StatusPublisher publisher = new StatusPublisher(lock, new StatusPublisher.Marker() {
            @Override
            public void mark(AgentState state) {
                AgentInstaller.mark(state);
            }

            @Override
            public void checkHooks() {
                AgentInstaller.checkHooks();
            }
        });
        /** A finding is published at once, not at the next tick. */
        static final Runnable wake = new Runnable() {
            @Override
            public void run() {
                publisher.wake();
            }
        };
    }

    private AgentInstaller() {
    }

    static void installAtStartup(String arguments, Instrumentation instrumentation) {
        ConnectInstrumentation.Preparation preparation = null;
        try {
            preparation = ConnectInstrumentation.prepare(instrumentation, true);
            Settings loaded;
            try {
                loaded = SettingsLoader.load(arguments, System.getProperties(), System.getenv());
            } catch (InvalidSettingException e) {
                preparation.cancel();
                AgentLog.error(e.getMessage() + "; the JVM stops here, as it does for a bad -XX option: fix the"
                        + " setting or remove -javaagent:selfconnect.jar");
                System.exit(1);
                return;
            }
            apply(loaded, instrumentation, preparation);
        } catch (SecurityException denied) {
            AgentLog.error("selfconnect " + version() + " is not active: the security policy does not grant the agent"
                    + " what it needs (" + denied + "); grant selfconnect.jar AllPermission in the policy"
                    + " (grant codeBase \"file:/path/to/selfconnect.jar\" { permission java.security.AllPermission; };)"
                    + " to check self-connections; the application runs without it");
        } catch (Throwable failure) {
            AgentLog.internalFailure("starting selfconnect " + version() + " (self-connections are not checked; the"
                    + " application runs without it)", failure);
        } finally {
            if (preparation != null) {
                preparation.cancel(); // a no-op if the installation used it
            }
        }
    }

    /** On an attach: installs with these settings, switches off, or reconfigures the agent already installed. */
    static AttachReply applyOnAttach(Settings newSettings, Instrumentation instrumentation) {
        resolveIdentity(); // the reply's status names the process
        return apply(newSettings, instrumentation, null);
    }

    /** On an agent thread (the attach thread, the weaver thread), never on a connecting one. */
    private static void resolveIdentity() {
        try {
            AgentState.identityResolved(AgentIdentity.current());
        } catch (Throwable failure) {
            AgentLog.internalFailure("resolving the process's identity", failure);
        }
    }

    /**
     * Installs with these settings, or, when the agent is already installed, reconfigures it on an attach and
     * otherwise leaves it alone. Never throws: the application goes on whatever happens here.
     *
     * @param startupPreparation the weaving prepared in premain; null on an attach
     * @return the reply to the attach; at startup null, unless another copy or an earlier -javaagent came first
     */
    private static AttachReply apply(Settings newSettings, Instrumentation instrumentation,
                                     ConnectInstrumentation.Preparation startupPreparation) {
        boolean atStartup = startupPreparation != null;
        String agent = "selfconnect " + version();
        synchronized (lock) {
            atStartupInProgress = atStartup;
            AttachReply.Status status;
            String text;
            boolean unchanged = false;
            try {
                if (installation == null && ConnectInstrumentation.anotherCopyIsActive(instrumentation)) {
                    AttachReply reply = new AttachReply(AttachReply.Status.ANOTHER_COPY, agent + " is already"
                            + " installed in this JVM by another copy; this copy does nothing");
                    AgentLog.info(reply.text());
                    return reply;
                }
                if (installation != null && atStartup) {
                    Settings first = AgentState.current().settings();
                    AttachReply reply = new AttachReply(AttachReply.Status.RECONFIGURED, agent + " is already"
                            + " installed in this JVM; this copy does nothing");
                    if (newSettings.equals(first)) {
                        AgentLog.info(reply.text());
                    } else {
                        AgentLog.warn(agent + " is already installed in this JVM with " + first.describe() + "; this"
                                + " -javaagent's settings (" + newSettings.changesFrom(first) + ") are ignored: the"
                                + " first -javaagent wins");
                    }
                    return reply;
                }
                if (newSettings.mode() == Mode.OFF) {
                    boolean removed = installation != null;
                    uninstall();
                    enter(new AgentState(AgentState.Phase.OFF, version(), newSettings, statistics, null, null));
                    status = AttachReply.Status.OFF;
                    text = agent + (removed ? " removed its instrumentation: " : " installed nothing: ")
                            + newSettings.describe();
                } else if (installation != null) {
                    Settings before = AgentState.current().settings();
                    unchanged = newSettings.equals(before);
                    Protection protection = installation.protection();
                    ConnectGuard guard = guard(newSettings, instrumentation);
                    installation.replaceListeners(listeners(guard));
                    enter(new AgentState(AgentState.Phase.ACTIVE, version(), newSettings, statistics, guard.audit(),
                            protection));
                    // the sockets held before the agent looked, under the new settings: what the old ones left out
                    ExistingSockets.auditAgain(guard.audit(), new KernelFilesWhenNeeded());
                    status = AttachReply.Status.RECONFIGURED;
                    text = agent + " reconfigured: " + newSettings.describe() + "; " + protection.describe()
                            + "; changed: " + newSettings.changesFrom(before);
                } else {
                    ConnectGuard guard = guard(newSettings, instrumentation);
                    ConnectInstrumentation.Preparation preparation = atStartup ? startupPreparation
                            : ConnectInstrumentation.prepare(instrumentation, false);
                    InstallationSteps steps = new InstallationSteps(atStartup, preparation);
                    installation = ConnectInstrumentation.install(preparation, HookModules.all(), listeners(guard),
                            steps);
                    AgentLog.whenClassesUnreadable(steps);
                    Protection protection = installation.protection();
                    enter(new AgentState(AgentState.Phase.ACTIVE, version(), newSettings, statistics, guard.audit(),
                            protection));
                    registration.registerAgain();
                    if (!atStartup) {
                        // Before the weaver thread reports the sockets the JVM holds already: the summary at exit
                        // counts them too.
                        ReportQueue.enable(new ExitSummary());
                        if (preparation.await(VERIFY_WAIT_MILLIS)) {
                            mark(AgentState.current()); // the status shows the verified protection from now on
                        }
                    }
                    status = atStartup ? null : AttachReply.Status.INSTALLED; // no reply class loaded in premain
                    text = agent + " active on Java " + System.getProperty("java.version") + ": "
                            + newSettings.describe() + "; " + (atStartup
                            ? "protects " + join(protection.protectedFamilies()) : protection.describe());
                }
            } catch (Throwable failure) {
                AgentLog.internalFailure("installing " + agent + " (self-connections are not checked)", failure);
                mark(AgentState.Phase.FAILED, newSettings);
                return new AttachReply(AttachReply.Status.FAILED, agent + " failed to install: " + failure);
            }
            if (!unchanged) {
                AgentLog.info(text); // the JVM's own output hears of a change only
                warnOfUnusableAuditFile(newSettings);
            }
            if (installation != null) {
                ReportQueue.enable(new ExitSummary());
            }
            return atStartup ? null : new AttachReply(status, text); // at startup nobody waits for a reply
        }
    }

    /** Another user's file, a link or a FIFO at the audit file's path stops nothing: one line says what to do. */
    private static void warnOfUnusableAuditFile(Settings settings) {
        if (settings.unusableAuditFile() != null) {
            AgentLog.warn(AuditFileCheck.notUsed(settings.auditFile(), settings.unusableAuditFile()));
        }
    }

    /** The guard for these settings, with a new audit. */
    private static ConnectGuard guard(Settings settings, Instrumentation instrumentation) throws Exception {
        if (internalAccess == null) {
            internalAccess = ConnectInstrumentation.internalAccess(instrumentation);
            families = new ModuleFamilies(HookModules.all(), internalAccess);
        }
        Supplier<KernelPortFiles> kernelFiles = new Supplier<KernelPortFiles>() {
            @Override
            public KernelPortFiles get() {
                return kernelFiles();
            }
        };
        Audit audit = new Audit(settings, statistics, findings, settings.risks() ? kernelFiles() : null, kernelFiles);
        return new ConnectGuard(settings, families, statistics, audit, kernelFiles);
    }

    private static BridgeListeners listeners(ConnectGuard guard) {
        return new BridgeListeners(guard, guard.bindWatcher(), registration, guard.refusalWatcher());
    }

    /** The kernel's port files, read when first needed: at startup only where risk findings are on. */
    private static synchronized KernelPortFiles kernelFiles() {
        if (kernelFiles == null) {
            kernelFiles = new KernelPortFiles(KernelPortFiles.DEFAULT_DIRECTORY, KernelPortFiles.REFRESH_NANOS,
                    AgentLog.NOTICES);
        }
        return kernelFiles;
    }

    /** What the weaver thread does for the installer. */
    /**
     * What the weaver thread does for the installer; also, run on a thread that failed to load one of the agent's
     * classes, the check whether the agent jar was written into.
     */
    private static final class InstallationSteps implements ConnectInstrumentation.Steps, Runnable {
        private final boolean atStartup;
        private final ConnectInstrumentation.Preparation preparation;
        /** The NOT protected line is written once. */
        private boolean agentJarReported;

        InstallationSteps(boolean atStartup, ConnectInstrumentation.Preparation preparation) {
            this.atStartup = atStartup;
            this.preparation = preparation;
        }

        /**
         * A missing hook point is never silent. On an attach, the sockets the JVM holds already are audited now,
         * before the attach is answered, so that its answer and the status after it count them.
         */
        @Override
        public void verified(Protection protection) {
            List<String> missing = protection.missing();
            if (!missing.isEmpty()) {
                AgentLog.warn("NOT protected on this JVM: " + join(missing) + "; "
                        + protection.describe().substring(0, protection.describe().indexOf(';')));
            }
            AgentState state = AgentState.current();
            if (!atStartup && state != null && state.active()) {
                ExistingSockets.auditAtAttach(state.audit(), new KernelFilesWhenNeeded());
            }
        }

        /**
         * The marker's status is kept current from now on, by a thread of its own; the API families no connect has
         * needed yet are made, so that a later first connect of theirs does not.
         */
        @Override
        public void settled() {
            resolveIdentity(); // the status published next shows it
            startPublishing();
            try {
                families.makeAll();
            } catch (Throwable failure) {
                AgentLog.internalFailure("making the API families", failure);
            }
            AgentState state = AgentState.current();
            if (atStartup && state != null && state.active()) {
                // inherited sockets, or ones the JVM opened before the agent
                ExistingSockets.auditAtStartup(state.audit(), new KernelFilesWhenNeeded(),
                        preparation.socketsAtStart());
            }
        }

        /**
         * A jar written into before this (a deploy's cp over the running jar) leaves classes the checks need
         * unreadable: never silent, the startup's WARN, the status, the MBean and the summary say NOT protected.
         */
        @Override
        public void loadAgentClasses() {
            int notLoaded;
            try {
                notLoaded = AgentClasses.loadAll();
            } catch (LinkageError agentJarChanged) {
                notLoaded = 1;
            }
            ConnectInstrumentation current = installation;
            Protection protection = current == null ? null : current.protection();
            if (protection == null) {
                return;
            }
            if (notLoaded > 0) {
                protection.agentClassesUnreadable(notLoaded);
            }
            if (reportAgentJar(protection)) {
                AgentState state = AgentState.current();
                if (state != null) {
                    mark(state);
                }
            }
        }

        /** On a thread that could not load a class of the agent: says at once if the jar was written into. */
        @Override
        public void run() {
            ConnectInstrumentation current = installation;
            Protection protection = current == null ? null : current.protection();
            if (protection != null && !protection.agentClassesLoaded()) {
                reportAgentJar(protection);
            }
        }

        /** @return whether the agent jar was written into (said once) */
        private boolean reportAgentJar(Protection protection) {
            String problem = protection.agentJarProblem();
            if (problem == null) {
                return false;
            }
            synchronized (this) {
                if (agentJarReported) {
                    return true;
                }
                agentJarReported = true;
            }
            AgentLog.warn("NOT protected on this JVM any more: " + problem + "; self-connections that need an agent"
                    + " class not loaded before go unchecked; " + Protection.AGENT_JAR_FIX);
            return true;
        }
    }

    /** The kernel's port files for the audit of the sockets held before the agent looked, read when first needed. */
    private static final class KernelFilesWhenNeeded implements Supplier<KernelPortFiles> {
        @Override
        public KernelPortFiles get() {
            return kernelFiles();
        }
    }

    private static String join(List<String> items) {
        StringBuilder text = new StringBuilder();
        for (String item : items) {
            text.append(text.length() == 0 ? "" : ", ").append(item);
        }
        return text.length() == 0 ? "nothing" : text.toString();
    }

    private static void startPublishing() {
        Publishing.publisher.start();
        publishing = true;
        statistics.tellFindingsTo(Publishing.wake);
    }

    /** On the status thread, with the lock held: is each watched hook still in place? */
    private static void checkHooks() {
        if (installation == null) {
            return;
        }
        if (watched != installation) {
            hookWatch = HookWatch.ofSocket(installation);
            watched = installation;
        }
        hookWatch.check();
    }

    /** Puts the state in force and in the marker property. */
    private static void enter(AgentState state) {
        AgentState.replace(state);
        if (!state.active()) {
            registration.unregister();
        }
        mark(state);
        if (!atStartupInProgress) {
            startPublishing();
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
                AgentState previous = AgentState.current();
                if (previous != null) {
                    enter(new AgentState(AgentState.Phase.DETACHED, version(), previous.settings(), statistics,
                            null, null));
                }
                String outcome = !active ? agent + " was not active in this JVM: nothing to detach"
                        : restored ? agent + " detached: the JDK classes are restored and nothing is checked any more"
                        : agent + " detached: nothing is checked any more; the JDK classes woven as they loaded at "
                        + "startup keep a hook that does nothing";
                AgentLog.info(outcome);
                return new AttachReply(active ? AttachReply.Status.DETACHED : AttachReply.Status.NOT_ACTIVE, outcome);
            } catch (Throwable failure) {
                AgentLog.internalFailure("detaching " + agent, failure);
                return new AttachReply(AttachReply.Status.FAILED, agent + " failed to detach: " + failure);
            }
        }
    }

    static AttachReply status() {
        resolveIdentity();
        AgentState state = AgentState.current();
        return new AttachReply(AttachReply.Status.STATUS, state != null ? state.describe()
                : "selfconnect " + version() + " not active on Java " + System.getProperty("java.version")
                + "\nsettings: none\ncounters: " + statistics.describe());
    }

    /** Leaves the agent's state in its marker property ({@link AgentMarker}), with the status text. */
    private static void mark(AgentState state) {
        synchronized (lock) {
            String status = state.describe();
            if (publishing) {
                Publishing.publisher.published(status);
            }
            writeMarker(AgentMarker.format(state.phase(), version(), state.settings().describe(), status));
        }
    }

    private static void mark(AgentState.Phase phase, Settings settings) {
        writeMarker(AgentMarker.format(phase, version(), settings == null ? "" : settings.describe(), null));
    }

    private static void writeMarker(String value) {
        try {
            System.setProperty(AgentMarker.PROPERTY, value);
        } catch (RuntimeException e) {
            // A security manager may forbid it: only the attach tool loses the information.
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

    /**
     * The summary at exit, from the state in force then: the report queue writes it last. It has lines only where
     * something was reported, and only a JVM that reported something has the queue's exit hook.
     */
    private static final class ExitSummary implements Runnable {
        @Override
        public void run() {
            AgentState state = AgentState.current();
            if (state != null) {
                for (String line : state.summary()) {
                    AgentLog.tagged("SUMMARY", line);
                }
            }
        }
    }

    static String version() {
        String version = AgentInstaller.class.getPackage().getImplementationVersion();
        return version == null ? "(development build)" : version;
    }
}
