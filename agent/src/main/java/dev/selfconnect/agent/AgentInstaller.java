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
import dev.selfconnect.identity.ProcessIdentity;
import dev.selfconnect.hooks.Families;
import dev.selfconnect.hooks.InternalAccess;
import dev.selfconnect.hooks.ModuleFamilies;
import dev.selfconnect.instrumentation.BridgeListeners;
import dev.selfconnect.instrumentation.ConnectInstrumentation;
import dev.selfconnect.instrumentation.ConnectInstrumentation.AttachPreparation;
import dev.selfconnect.instrumentation.ConnectInstrumentation.StartupPreparation;
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
 * The agent's life in one JVM: one instance, made by the first premain or agentmain, holds it all: the hooks, the
 * state's parts that carry over (statistics, findings), the status thread. It installs once whichever entry point and
 * however often it is called, is reconfigured, switched off or detached when the JVM is attached to again, and asked
 * for its status. Each change puts a new {@link AgentState} in force.
 * <p>
 * Startup and attach are two schedules of the same steps ({@link AtStartup}, {@link OnAttach}): each says when the
 * weaving is prepared, what the weaver thread does besides, and how the result is told.
 */
public final class AgentInstaller {

    /** How long an attach waits for the weaving to be verified before it answers. */
    private static final long VERIFY_WAIT_MILLIS = 10_000;
    /** What a detach or a switch-off leaves behind. */
    private static final String INERT = "nothing is checked any more; the woven JDK classes keep a hook that does"
            + " nothing until the next attach";

    /** The agent in this JVM: static because premain and agentmain are, and each later attach must find it. */
    private static AgentInstaller inForce;

    private final Object lock = new Object();
    /** The statistics and findings belong to the JVM: they carry over from one state to the next. */
    private final AgentStatistics statistics = new AgentStatistics();
    private final Findings findings = new Findings();
    private final PlatformRegistration registration = new PlatformRegistration();
    private InternalAccess internalAccess;
    private Families families;
    private KernelPortFiles kernelFiles;
    /** The hooks woven into the JDK; null before the first installation. They stay for the JVM's life. */
    private ConnectInstrumentation hooks;
    /** Whether the hooks have listeners: false once a detach or a switch-off left them inert. */
    private boolean checking;
    /** Watches the hooks; made on the status thread at its first check. */
    private HookWatch hookWatch;
    /** The status thread's publisher, made when it starts: at startup not before main. */
    private volatile StatusPublisher publisher;
    /** The identity an agent thread resolved, which the status shows; null until then. */
    private volatile ProcessIdentity identity;
    /** The sockets the JVM held before the agent looked; made on the agent thread that first audits them. */
    private ExistingSockets existingSockets;
    /** The NOT protected line for a jar written into is written once. */
    private boolean agentJarReported;

    private AgentInstaller() {
    }

    private static synchronized AgentInstaller agent() {
        if (inForce == null) {
            inForce = new AgentInstaller();
        }
        return inForce;
    }

    static void installAtStartup(String arguments, Instrumentation instrumentation) {
        agent().start(arguments, instrumentation);
    }

    /** On an attach: installs with these settings, switches off, or reconfigures the agent already installed. */
    static AttachReply applyOnAttach(Settings newSettings, Instrumentation instrumentation) {
        AgentInstaller agent = agent();
        agent.resolveIdentity(); // the reply's status names the process
        return agent.apply(newSettings, instrumentation, agent.new OnAttach(instrumentation));
    }

    static AttachReply detach() {
        return agent().detachNow();
    }

    static AttachReply status() {
        return agent().statusNow();
    }

    private void start(String arguments, Instrumentation instrumentation) {
        StartupPreparation preparation = null;
        try {
            preparation = ConnectInstrumentation.prepare(new StartupPreparation(instrumentation));
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
            synchronized (lock) {
                if (hooks != null) {
                    ignoreLaterJavaagent(loaded);
                    return;
                }
                apply(loaded, instrumentation, new AtStartup(preparation));
            }
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

    /** A second -javaagent of this jar: the first one's settings stay. */
    private void ignoreLaterJavaagent(Settings settings) {
        String agent = "selfconnect " + version();
        Settings first = AgentState.current().settings();
        if (settings.equals(first)) {
            AgentLog.info(agent + " is already installed in this JVM; this copy does nothing");
        } else {
            AgentLog.warn(agent + " is already installed in this JVM with " + first.describe() + "; this"
                    + " -javaagent's settings (" + settings.changesFrom(first) + ") are ignored: the first"
                    + " -javaagent wins");
        }
    }

    /** On an agent thread (the attach thread, the weaver thread), never on a connecting one. */
    private void resolveIdentity() {
        try {
            identity = AgentIdentity.current();
        } catch (Throwable failure) {
            AgentLog.internalFailure("resolving the process's identity", failure);
        }
    }

    /**
     * Installs with these settings, gives the hooks left inert their listeners again, reconfigures, or switches off.
     * Never throws: the application goes on whatever happens here.
     *
     * @return the reply to the attach; at startup null, unless another copy came first
     */
    private AttachReply apply(Settings newSettings, Instrumentation instrumentation, Schedule schedule) {
        String agent = "selfconnect " + version();
        synchronized (lock) {
            AttachReply.Status status;
            String text;
            boolean unchanged = false;
            try {
                if (internalAccess == null) {
                    internalAccess = ConnectInstrumentation.internalAccess(instrumentation);
                }
                if (hooks == null && ConnectInstrumentation.anotherCopyIsActive(internalAccess)) {
                    AttachReply reply = new AttachReply(AttachReply.Status.ANOTHER_COPY, agent + " is already"
                            + " installed in this JVM by another copy; this copy does nothing");
                    AgentLog.info(reply.text());
                    return reply;
                }
                if (newSettings.mode() == Mode.OFF) {
                    boolean suspendedNow = suspend();
                    enter(new AgentState(AgentState.Phase.OFF, version(), newSettings, statistics, null,
                            inertProtection()));
                    schedule.entered();
                    status = AttachReply.Status.OFF;
                    text = agent + (suspendedNow ? " switched off: " + newSettings.describe() + "; " + INERT
                            : " installed nothing: " + newSettings.describe());
                } else if (checking) {
                    Settings before = AgentState.current().settings();
                    unchanged = newSettings.equals(before);
                    Protection protection = hooks.protection();
                    ConnectGuard guard = guard(newSettings);
                    hooks.replaceListeners(listeners(guard));
                    enter(new AgentState(AgentState.Phase.ACTIVE, version(), newSettings, statistics, guard.audit(),
                            protection));
                    schedule.entered();
                    // the sockets held before the agent looked, under the new settings: what the old ones left out
                    existingSockets().auditAgain(guard.audit(), new KernelFilesWhenNeeded());
                    status = AttachReply.Status.RECONFIGURED;
                    text = agent + " reconfigured: " + newSettings.describe() + "; " + protection.describe()
                            + "; changed: " + newSettings.changesFrom(before);
                } else if (hooks != null) {
                    ConnectGuard guard = guard(newSettings);
                    boolean inPlace = hooks.resume(listeners(guard));
                    checking = true;
                    Protection protection = hooks.protection();
                    enter(new AgentState(AgentState.Phase.ACTIVE, version(), newSettings, statistics, guard.audit(),
                            protection));
                    schedule.entered();
                    registration.registerAgain();
                    ReportQueue.enable(new ExitSummary());
                    existingSockets().auditAtAttach(guard.audit(), new KernelFilesWhenNeeded());
                    status = AttachReply.Status.INSTALLED;
                    text = agent + " active on Java " + System.getProperty("java.version") + ": "
                            + newSettings.describe() + "; " + protection.describe() + (inPlace
                            ? "; reuses the hooks left in place"
                            : "; the hooks left in place were gone: the JDK classes are woven again");
                } else {
                    ConnectGuard guard = guard(newSettings);
                    ConnectInstrumentation.Preparation preparation = schedule.preparation();
                    hooks = ConnectInstrumentation.install(preparation, internalAccess, HookModules.all(), listeners(guard),
                            schedule);
                    checking = true;
                    AgentLog.whenClassesUnreadable(schedule);
                    Protection protection = hooks.protection();
                    enter(new AgentState(AgentState.Phase.ACTIVE, version(), newSettings, statistics, guard.audit(),
                            protection));
                    schedule.entered();
                    registration.registerAgain();
                    status = schedule.installedStatus();
                    text = agent + " active on Java " + System.getProperty("java.version") + ": "
                            + newSettings.describe() + "; " + schedule.installed(protection);
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
            if (checking) {
                ReportQueue.enable(new ExitSummary());
            }
            return schedule.reply(status, text);
        }
    }

    /** Another user's file, a link or a FIFO at the audit file's path stops nothing: one line says what to do. */
    private static void warnOfUnusableAuditFile(Settings settings) {
        if (settings.unusableAuditFile() != null) {
            AgentLog.warn(AuditFileCheck.notUsed(settings.auditFile(), settings.unusableAuditFile()));
        }
    }

    /** The guard for these settings, with a new audit. */
    private ConnectGuard guard(Settings settings) {
        if (families == null) {
            families = new ModuleFamilies(HookModules.all(), internalAccess);
        }
        KernelFilesWhenNeeded kernelFiles = new KernelFilesWhenNeeded();
        Audit audit = new Audit(settings, statistics, findings, settings.risks() ? kernelFiles() : null, kernelFiles);
        return new ConnectGuard(settings, families, statistics, audit, kernelFiles);
    }

    private BridgeListeners listeners(ConnectGuard guard) {
        return new BridgeListeners(guard, guard.bindWatcher(), registration, guard.refusalWatcher());
    }

    /** The kernel's port files, read when first needed: at startup only where risk findings are on. */
    private synchronized KernelPortFiles kernelFiles() {
        if (kernelFiles == null) {
            kernelFiles = new KernelPortFiles(KernelPortFiles.DEFAULT_DIRECTORY, KernelPortFiles.REFRESH_NANOS,
                    AgentLog.NOTICES);
        }
        return kernelFiles;
    }

    /** The kernel's port files, read when first needed. */
    private final class KernelFilesWhenNeeded implements Supplier<KernelPortFiles> {
        @Override
        public KernelPortFiles get() {
            return kernelFiles();
        }
    }

    private synchronized ExistingSockets existingSockets() {
        if (existingSockets == null) {
            existingSockets = new ExistingSockets();
        }
        return existingSockets;
    }

    /**
     * When the installation's steps run, and what it does besides the weaving: at startup ({@link AtStartup}) or on
     * an attach ({@link OnAttach}). A schedule is also the weaver thread's steps, and, run on a thread that failed to
     * load one of the agent's classes, the check whether the agent jar was written into. (An interface: the code that
     * hands an attach's schedule on then loads no class of it in premain.)
     */
    private interface Schedule extends ConnectInstrumentation.Steps, Runnable {
        /** The weaving, prepared: at startup in premain before the settings were read; on an attach now. */
        ConnectInstrumentation.Preparation preparation();

        /** A new state is in force. */
        void entered();

        /** The status of a reply for a new installation; none at startup, which loads no reply class. */
        AttachReply.Status installedStatus();

        /** The installation is done: what it protects, as the line that says so ends. */
        String installed(Protection protection) throws InterruptedException;

        /** The answer; at startup nobody waits for one. */
        AttachReply reply(AttachReply.Status status, String text);
    }

    /** A missing hook point is never silent. */
    private void verifiedStep(Protection protection) {
        List<String> missing = protection.missing();
        if (!missing.isEmpty()) {
            AgentLog.warn("NOT protected on this JVM: " + join(missing) + "; "
                    + protection.describe().substring(0, protection.describe().indexOf(';')));
        }
    }

    /**
     * The marker's status is kept current from now on, by a thread of its own; the API families no connect has
     * needed yet are made, so that a later first connect of theirs does not.
     */
    private void settledStep() {
        resolveIdentity(); // the status published next shows it
        startPublishing();
        try {
            families.makeAll();
        } catch (Throwable failure) {
            AgentLog.internalFailure("making the API families", failure);
        }
    }

    /**
     * A jar written into before this (a deploy's cp over the running jar) leaves classes the checks need unreadable:
     * never silent, the startup's WARN, the status, the MBean and the summary say NOT protected.
     */
    private void loadAgentClassesStep() {
        int notLoaded;
        try {
            notLoaded = AgentClasses.loadAll();
        } catch (LinkageError agentJarChanged) {
            notLoaded = 1;
        }
        Protection protection = hooksProtection();
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
    private void checkAgentJarNow() {
        Protection protection = hooksProtection();
        if (protection != null && !protection.agentClassesLoaded()) {
            reportAgentJar(protection);
        }
    }

    private Protection hooksProtection() {
        ConnectInstrumentation installed = hooks;
        return installed == null ? null : installed.protection();
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

    /**
     * In premain: the weaving was prepared before the settings were read; the status thread starts from the weaver
     * thread once the application's first steps are past, and with it the audit of the sockets the JVM held at start.
     */
    private final class AtStartup implements Schedule {
        private final StartupPreparation preparation;

        AtStartup(StartupPreparation preparation) {
            this.preparation = preparation;
        }

        @Override
        public ConnectInstrumentation.Preparation preparation() {
            return preparation;
        }

        @Override
        public void entered() {
            // the status thread starts once the application's first steps are past (settled)
        }

        @Override
        public AttachReply.Status installedStatus() {
            return null;
        }

        @Override
        public String installed(Protection protection) {
            return "protects " + join(protection.protectedFamilies());
        }

        @Override
        public AttachReply reply(AttachReply.Status status, String text) {
            return null;
        }

        @Override
        public void verified(Protection protection) {
            verifiedStep(protection);
        }

        /** Inherited sockets, or ones the JVM opened before the agent, are audited too. */
        @Override
        public void settled() {
            settledStep();
            AgentState state = AgentState.current();
            if (state != null && state.active()) {
                existingSockets().auditAtStartup(state.audit(), new KernelFilesWhenNeeded(),
                        preparation.socketsAtStart());
            }
        }

        @Override
        public void loadAgentClasses() {
            loadAgentClassesStep();
        }

        @Override
        public void run() {
            checkAgentJarNow();
        }
    }

    /**
     * On an attach: the weaving starts now and is verified before the answer, which tells the verified protection;
     * the sockets the JVM holds already are audited before it too, so that its status counts them.
     */
    private final class OnAttach implements Schedule {
        private final Instrumentation instrumentation;
        private AttachPreparation preparation;

        OnAttach(Instrumentation instrumentation) {
            this.instrumentation = instrumentation;
        }

        @Override
        public ConnectInstrumentation.Preparation preparation() {
            if (preparation == null) {
                preparation = ConnectInstrumentation.prepare(new AttachPreparation(instrumentation));
            }
            return preparation;
        }

        @Override
        public void entered() {
            startPublishing();
        }

        @Override
        public AttachReply.Status installedStatus() {
            return AttachReply.Status.INSTALLED;
        }

        /**
         * Before the weaver thread reports the sockets the JVM holds already, the queue is enabled: the summary at
         * exit counts them too. Then the verification is waited for.
         */
        @Override
        public String installed(Protection protection) throws InterruptedException {
            ReportQueue.enable(new ExitSummary());
            if (preparation.await(VERIFY_WAIT_MILLIS)) {
                mark(AgentState.current()); // the status shows the verified protection from now on
            }
            return protection.describe();
        }

        @Override
        public AttachReply reply(AttachReply.Status status, String text) {
            return new AttachReply(status, text);
        }

        /** The sockets the JVM holds already are audited before the attach is answered. */
        @Override
        public void verified(Protection protection) {
            verifiedStep(protection);
            AgentState state = AgentState.current();
            if (state != null && state.active()) {
                existingSockets().auditAtAttach(state.audit(), new KernelFilesWhenNeeded());
            }
        }

        @Override
        public void settled() {
            settledStep();
        }

        @Override
        public void loadAgentClasses() {
            loadAgentClassesStep();
        }

        @Override
        public void run() {
            checkAgentJarNow();
        }
    }

    private static String join(List<String> items) {
        StringBuilder text = new StringBuilder();
        for (String item : items) {
            text.append(text.length() == 0 ? "" : ", ").append(item);
        }
        return text.length() == 0 ? "nothing" : text.toString();
    }

    private void startPublishing() {
        synchronized (lock) {
            if (publisher == null) {
                publisher = new Marker().publisher();
                statistics.tellFindingsTo(new WakePublisher());
            }
            publisher.start();
        }
    }

    /** What the status thread asks of the installer, with the lock held. */
    private final class Marker implements StatusPublisher.Marker {
        /** Made here, not by the installer: verifying its code would load the marker's interface in premain. */
        StatusPublisher publisher() {
            return new StatusPublisher(lock, this);
        }

        @Override
        public void mark(AgentState state) {
            AgentInstaller.this.mark(state);
        }

        @Override
        public String describe(AgentState state) {
            return state.describe(identity);
        }

        /** Is each watched hook still in place? */
        @Override
        public void checkHooks() {
            if (!checking) {
                return;
            }
            if (hookWatch == null) {
                hookWatch = HookWatch.ofSocket(hooks);
            }
            hookWatch.check();
        }
    }

    /** A finding is published at once, not at the next tick. */
    private final class WakePublisher implements Runnable {
        @Override
        public void run() {
            publisher.wake();
        }
    }

    /** Puts the state in force and in the marker property. */
    private void enter(AgentState state) {
        AgentState.replace(state);
        if (!state.active()) {
            registration.unregister();
        }
        mark(state);
    }

    /**
     * Leaves the hooks inert, if they were checking: nothing is checked any more, and the woven JDK classes keep
     * their hooks, for the next attach to reuse.
     */
    private AttachReply detachNow() {
        String agent = "selfconnect " + version();
        synchronized (lock) {
            try {
                boolean active = suspend();
                AgentState previous = AgentState.current();
                if (previous != null) {
                    enter(new AgentState(AgentState.Phase.DETACHED, version(), previous.settings(), statistics,
                            null, inertProtection()));
                    startPublishing();
                }
                String outcome = active ? agent + " detached: " + INERT
                        : agent + " was not active in this JVM: nothing to detach";
                AgentLog.info(outcome);
                return new AttachReply(active ? AttachReply.Status.DETACHED : AttachReply.Status.NOT_ACTIVE, outcome);
            } catch (Throwable failure) {
                AgentLog.internalFailure("detaching " + agent, failure);
                return new AttachReply(AttachReply.Status.FAILED, agent + " failed to detach: " + failure);
            }
        }
    }

    private AttachReply statusNow() {
        resolveIdentity();
        AgentState state = AgentState.current();
        return new AttachReply(AttachReply.Status.STATUS, state != null ? state.describe(identity)
                : "selfconnect " + version() + " not active on Java " + System.getProperty("java.version")
                + "\nsettings: none\ncounters: " + statistics.describe());
    }

    /** Leaves the agent's state in its marker property ({@link AgentMarker}), with the status text. */
    private void mark(AgentState state) {
        synchronized (lock) {
            String status = state.describe(identity);
            StatusPublisher running = publisher;
            if (running != null) {
                running.published(status);
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

    /** The protection of the hooks left inert, which a state not active names; null if none were woven. */
    private Protection inertProtection() {
        return hooks == null || checking ? null : hooks.protection();
    }

    /** @return true if the hooks were checking and are now inert */
    private boolean suspend() {
        if (!checking) {
            return false;
        }
        hooks.suspend();
        checking = false;
        return true;
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
