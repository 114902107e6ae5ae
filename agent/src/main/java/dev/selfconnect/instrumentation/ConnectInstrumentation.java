package dev.selfconnect.instrumentation;

import dev.selfconnect.hooks.HookModule;
import dev.selfconnect.hooks.HookPoint;
import dev.selfconnect.hooks.InternalAccess;
import dev.selfconnect.hooks.JdkHooks;
import dev.selfconnect.reporting.AgentLog;
import dev.selfconnect.scan.SocketInodes;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The agent's hold on the JVM: the bridge in the bootstrap loader, the listeners behind it, the transformers that
 * weave the hook points every {@link HookModule} has in the JDK's classes ({@link JdkHooks}, a library's trigger), and
 * the libraries' own hooks ({@link LibraryWatch}). It can swap the listeners, leave the hooks inert (a detach) and give
 * them listeners again (the next attach).
 * <p>
 * Weaving costs the application nothing once it is done, because no transformer of the agent stays registered
 * without need: while one is, the JVM calls it for every class it loads, which cost about 25 µs a class on JDK 17
 * (about 80 ms for 3,000 classes). Installed at startup, the agent weaves with a transformer that cannot retransform,
 * so the woven bytes become the ones every later retransformation of those classes starts from (JVMTI's
 * ClassFileLoadHook), and a JFR recording or another agent that retransforms SocketChannelImpl keeps the hooks.
 * That transformer is removed as soon as a background thread has loaded every target class. Classes the JVM had
 * loaded before the agent came (any at startup, all on an attach) can only be woven by retransformation, and the
 * transformer that did it stays registered so that another agent's retransformation keeps the hooks too.
 */
public final class ConnectInstrumentation {

    private static final String MANAGEMENT_FACTORY = "java.lang.management.ManagementFactory";
    /** Where the kernel lists the JVM's descriptors (Linux). */
    private static final String OWN_DESCRIPTORS = "/proc/self/fd";
    /**
     * At startup, how long the weaver thread waits after the verification before it loads the agent's own classes,
     * so that this does not compete with the application's own start.
     */
    private static final long STARTUP_QUIET_MILLIS = 3_000;
    /**
     * At startup, with no library of a module named on the class path, how long the weaver thread waits before it
     * starts the libraries' hooks (Netty's: a retransformation of the JDK's library loading, which would otherwise
     * fall on the application's first steps). A library that announces itself meanwhile (Netty extracting its native
     * library) starts its hooks on its own thread, before it loads the library; one that loaded otherwise is found by
     * the look at the loaded classes its start makes.
     */
    private static final long LIBRARY_WATCH_DELAY_MILLIS = 1_000;

    private final Instrumentation instrumentation;
    private final JavaBaseAccess javaBase;
    private final Protection protection;
    /** Every module's hook points in the JDK's classes. */
    private final List<HookPoint> points;
    /** Weaves the target classes as they load; removed once all are loaded. Null on an attach. */
    private final ConnectTransformer loadTimeWeaver;
    /**
     * Weaves target classes loaded before the agent, by retransformation, and keeps the hooks through another tool's
     * retransformation or redefinition; null if there were none at startup, until the first {@link #resume}.
     */
    private ConnectTransformer retransformer;
    private final LibraryWatch libraries;

    private ConnectInstrumentation(Instrumentation instrumentation, JavaBaseAccess javaBase, Protection protection,
                                   List<HookPoint> points, ConnectTransformer loadTimeWeaver,
                                   ConnectTransformer retransformer, LibraryWatch libraries) {
        this.points = points;
        this.libraries = libraries;
        this.instrumentation = instrumentation;
        this.javaBase = javaBase;
        this.protection = protection;
        this.loadTimeWeaver = loadTimeWeaver;
        this.retransformer = retransformer;
    }

    /**
     * The agent's access to java.base: the bridge's access and what the families need of the JDK. Its owner makes it
     * once and hands it to {@link #install}.
     */
    public static InternalAccess internalAccess(Instrumentation instrumentation) throws Exception {
        return JavaBaseAccess.make(instrumentation);
    }

    /**
     * True when a bridge in the bootstrap loader has listeners that no instance of this class installed: another copy
     * of the agent, loaded by another class loader, is active.
     *
     * @param access made by {@link #internalAccess}
     */
    public static boolean anotherCopyIsActive(InternalAccess access) {
        JavaBaseAccess javaBase = (JavaBaseAccess) access;
        return javaBase.bridgeDefined() && javaBase.bridgeInstalled();
    }

    /**
     * What the agent does on the weaver thread besides the weaving. At startup the work that the protection does not
     * need waits until the application's first steps are past, so that it does not compete with its first connects
     * for the processor.
     */
    public interface Steps {
        /** Every target class is loaded (or known to be absent) and the protection is verified. */
        void verified(Protection protection);

        /**
         * Work that the protection does not need may start: on an attach right after {@link #verified}; at startup
         * once the libraries' hooks have started (at the latest {@link #LIBRARY_WATCH_DELAY_MILLIS} after the
         * verification).
         */
        void settled();

        /**
         * Loads the agent's own classes: on an attach before the verification, at startup after a quiet time
         * ({@link Protection#agentClassesLoaded()} tells when it is done).
         */
        void loadAgentClasses();
    }

    /**
     * Starts what can start before the settings are known: the weaver thread, which loads ASM's classes meanwhile.
     * Hand the result to {@link #install}, or {@link Preparation#cancel() cancel} it.
     *
     * @param preparation {@link StartupPreparation} from premain, {@link AttachPreparation} on an attach
     */
    public static <P extends Preparation> P prepare(P preparation) {
        preparation.start();
        return preparation;
    }

    /**
     * Installs: the bridge gets the listeners, every module's hook point in the JDK is woven, now (retransformation)
     * or as its class loads, and the libraries' hooks start (at startup on the weaver thread, or when a library
     * announces itself). The platform MBean server is not created here; if the JVM had loaded ManagementFactory
     * already (an attach), it is fetched once in the background, so the listener sees it.
     *
     * @param steps run on the weaver thread as the installation goes on
     */
    public static ConnectInstrumentation install(Preparation preparation, InternalAccess access, HookModule[] modules,
                                                 BridgeListeners listeners, Steps steps) throws Exception {
        try {
            return installWith(preparation, (JavaBaseAccess) access, modules, listeners, steps);
        } finally {
            preparation.cancel(); // lets the weaver go on: with the targets if they were handed over, or to its end
        }
    }

    private static ConnectInstrumentation installWith(Preparation preparation, JavaBaseAccess javaBase,
                                                      HookModule[] modules, BridgeListeners listeners, Steps steps)
            throws Exception {
        Instrumentation instrumentation = preparation.instrumentation;
        if (!javaBase.bridgeDefined()) {
            javaBase.defineBridge(instrumentation, AgentJar.classFile(JavaBaseAccess.BRIDGE));
        }
        if (!javaBase.bridgeDefined()) {
            throw new IllegalStateException("the bridge is not in the bootstrap class loader; the JDK classes could "
                    + "not call it");
        }
        javaBase.installBridge(listeners.connects, listeners.binds, listeners.platformServer, listeners.refusals);
        List<String> failedModules = new ArrayList<String>();
        List<HookPoint> points = pointsOf(modules, failedModules);
        Protection protection = new Protection(points, javaFeature());
        for (String module : failedModules) {
            protection.libraryNotHooked(module, "its hook points could not be read");
        }
        LibraryWatch libraries = new LibraryWatch(instrumentation, javaBase, protection, modules, listeners);
        libraries.watchNames();
        ConnectTransformer loadTimeWeaver = null;
        ConnectTransformer retransformer = null;
        List<Class<?>> loaded;
        try {
            loadTimeWeaver = preparation.loadTimeWeaver(points, protection);
            loaded = loadedTargets(instrumentation, points);
            if (preparation.retransforms(loaded)) {
                retransformer = new ConnectTransformer(points, protection);
                instrumentation.addTransformer(retransformer, true);
                retransform(instrumentation, loaded, points, protection);
            }
        } catch (RuntimeException | Error failure) {
            // Leave nothing half-installed: the caller reports that the agent is not active.
            new ConnectInstrumentation(instrumentation, javaBase, protection, points, loadTimeWeaver, retransformer,
                    libraries).uninstall();
            throw failure;
        }
        ConnectInstrumentation installation = new ConnectInstrumentation(instrumentation, javaBase, protection,
                points, loadTimeWeaver, retransformer, libraries);
        preparation.startLibraries(libraries);
        preparation.javaBase = javaBase;
        preparation.loadTargets(loadTimeWeaver, protection, HookPoint.ownerClassNames(points), steps);
        preparation.installed(listeners, loaded);
        return installation;
    }

    /**
     * Every module's hook points in the JDK's classes, the JDK's first; a module that fails to give them is reported,
     * counted and named in {@code failed}, and the others go on.
     */
    private static List<HookPoint> pointsOf(HookModule[] modules, List<String> failed) {
        List<HookPoint> points = new ArrayList<HookPoint>();
        for (HookModule module : modules) {
            try {
                points.addAll(module.points());
            } catch (Throwable failure) {
                AgentLog.internalFailure("reading the hook points of " + module.name() + " (its connects are not"
                        + " checked)", failure);
                failed.add(module.name());
            }
        }
        return points;
    }

    /** 8 on Java 8 ("1.8"), else the feature version. */
    public static int javaFeature() {
        String version = System.getProperty("java.specification.version", "1.8");
        try {
            return Integer.parseInt(version.startsWith("1.") ? version.substring(2) : version);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public Protection protection() {
        return protection;
    }

    public void replaceListeners(BridgeListeners listeners) {
        javaBase.installBridge(listeners.connects, listeners.binds, listeners.platformServer, listeners.refusals);
        libraries.replaceListeners(listeners);
    }

    /**
     * Weaves a target class again by retransformation, with a transformer registered for that moment only: another
     * tool's redefinition replaced its woven bytes, and a retransformation starts from the redefined ones.
     */
    public void rehook(Class<?> type) throws UnmodifiableClassException {
        ConnectTransformer transformer = new ConnectTransformer(points, protection);
        instrumentation.addTransformer(transformer, true);
        try {
            instrumentation.retransformClasses(type);
        } finally {
            instrumentation.removeTransformer(transformer);
        }
    }

    /**
     * Empties the bridge, so that no hook checks anything any more: each woven hook is then a null check. The woven
     * JDK classes keep their hooks and the transformers stay registered (a retransformation or redefinition by
     * another tool keeps the hooks too), so that the next attach reuses them ({@link #resume}). Restoring the classes
     * would make the JVM define a new version of each, at every detach and again at every attach, and it never frees
     * the native memory of those versions.
     */
    public void suspend() {
        javaBase.uninstallBridge();
        // The libraries' hooks, like the JDK's, stay and do nothing; a library that announces itself meanwhile gets
        // its hooks as well, so that the next attach checks it without looking for it.
        libraries.replaceListeners(null);
        libraries.watchNames();
    }

    /**
     * Gives the hooks left by {@link #suspend} these listeners, and the libraries' hooks too (started now if they had
     * not started before). The hooks are then verified by a probe of {@code java.net.Socket.connect}: found gone (another
     * tool redefined the class while no transformer of the agent could see it), every target class is woven again by
     * retransformation.
     *
     * @return true if the hooks were found in place; false if they had to be woven again
     */
    public boolean resume(BridgeListeners listeners) {
        javaBase.installBridge(listeners.connects, listeners.binds, listeners.platformServer, listeners.refusals);
        if (retransformer == null) {
            retransformer = new ConnectTransformer(points, protection);
            instrumentation.addTransformer(retransformer, true);
        }
        libraries.replaceListeners(listeners);
        libraries.watchNames();
        libraries.startAll();
        if (new SocketProbe().probe() != HookWatch.Outcome.GONE) {
            return true;
        }
        retransform(instrumentation, loadedTargets(instrumentation, points), points, protection);
        return false;
    }

    /**
     * Undoes a failed installation: empties the bridge, removes the transformers and retransforms the target classes,
     * so that those woven by retransformation return to their original form.
     */
    private void uninstall() {
        javaBase.uninstallBridge();
        libraries.uninstall();
        if (loadTimeWeaver != null) {
            instrumentation.removeTransformer(loadTimeWeaver);
        }
        if (retransformer != null) {
            instrumentation.removeTransformer(retransformer);
        }
        retransform(instrumentation, loadedTargets(instrumentation, points), points, null);
    }

    /**
     * The target classes the JVM has loaded. In premain this looks at every class loaded so far, so the cheapest test
     * comes first: the length of the name, then the name, then the loader.
     */
    private static List<Class<?>> loadedTargets(Instrumentation instrumentation, List<HookPoint> points) {
        List<String> names = HookPoint.ownerClassNames(points);
        int longest = 0;
        for (String name : names) {
            longest = Math.max(longest, name.length());
        }
        boolean[] nameLengths = new boolean[longest + 1];
        for (String name : names) {
            nameLengths[name.length()] = true;
        }
        List<Class<?>> loaded = new ArrayList<Class<?>>();
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            if (type == null) {
                continue;
            }
            String name = type.getName();
            if (name.length() <= longest && nameLengths[name.length()] && names.contains(name)
                    && type.getClassLoader() == null) {
                loaded.add(type);
            }
        }
        return loaded;
    }

    /** With a retransformable transformer of the agent registered, this weaves them; without, it restores them. */
    private static void retransform(Instrumentation instrumentation, List<Class<?>> classes, List<HookPoint> all,
                                    Protection protection) {
        for (Class<?> type : classes) {
            try {
                instrumentation.retransformClasses(type);
            } catch (UnmodifiableClassException | RuntimeException | LinkageError failure) {
                if (protection != null) {
                    List<HookPoint> points = new ArrayList<HookPoint>();
                    for (HookPoint point : all) {
                        if (point.ownerClassName().equals(type.getName())) {
                            points.add(point);
                        }
                    }
                    protection.failed(points, failure);
                }
            }
        }
    }

    private static boolean contains(List<Class<?>> classes, String name) {
        for (Class<?> type : classes) {
            if (type.getName().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** ManagementFactory is in use already: whether or not the server exists yet, the MBean shows up in it. */
    private static void fetchPlatformServerInTheBackground() {
        Thread thread = new Thread(new Runnable() {
            @Override
            public void run() {
                try {
                    Class.forName(MANAGEMENT_FACTORY).getMethod("getPlatformMBeanServer").invoke(null);
                } catch (Throwable ignored) {
                    // no MBean then; the agent works without it
                }
            }
        }, "selfconnect-jmx");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * The "selfconnect-weaver" daemon thread, started first thing: it loads ASM's classes while the settings are read
     * and the installation goes on ({@link ConnectTransformer#warmUp()}); then, once the transformers are registered,
     * it loads (without initializing) the target classes the JVM has not loaded yet, so that their weaving does not
     * fall on the application's first connect, verifies the protection, and, at startup, removes the load-time
     * transformer. Nothing is missed: the transformers are registered before, and an application thread that needs
     * one of these classes meanwhile waits for the load in progress, as class loading does.
     * <p>
     * Startup ({@link StartupPreparation}) and attach ({@link AttachPreparation}) are two schedules of these steps:
     * each says in {@link #weave()} which run, in which order, and what the installation does differently.
     */
    public abstract static class Preparation implements Runnable {
        final Instrumentation instrumentation;
        private final CountDownLatch installed = new CountDownLatch(1);
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile boolean loadTargets;
        private volatile ConnectTransformer loadTimeWeaver;
        private volatile List<String> targetClassNames;
        volatile Protection protection;
        volatile Steps steps;
        /** The installation's access to java.base, once it is made. */
        volatile JavaBaseAccess javaBase;

        Preparation(Instrumentation instrumentation) {
            this.instrumentation = instrumentation;
        }

        final void start() {
            Thread thread = new Thread(this, "selfconnect-weaver");
            thread.setDaemon(true);
            thread.start();
        }

        /** The weaver thread's work: the preparation is its own task, one class less to load in premain. */
        @Override
        public void run() {
            try {
                weave();
            } catch (Throwable failure) {
                AgentLog.internalFailure("weaving and verifying the hooks in the background", failure);
            } finally {
                done.countDown();
            }
        }

        /** The weaver thread's steps, in this schedule's order. */
        abstract void weave();

        /** The transformer that weaves the target classes as they load, registered now; null for none. */
        abstract ConnectTransformer loadTimeWeaver(List<HookPoint> points, Protection protection);

        /** Whether these target classes, loaded already, are retransformed, by a transformer that stays registered. */
        abstract boolean retransforms(List<Class<?>> loaded);

        /** The libraries' hooks: started now, or handed to the weaver thread. */
        abstract void startLibraries(LibraryWatch libraries);

        /** The installation is done, with these target classes loaded before it. */
        abstract void installed(BridgeListeners listeners, List<Class<?>> loaded);

        void loadTargets(ConnectTransformer transformerToRemove, Protection toVerify, List<String> classNames,
                         Steps installationSteps) {
            targetClassNames = classNames;
            loadTimeWeaver = transformerToRemove;
            protection = toVerify;
            steps = installationSteps;
            loadTargets = true;
        }

        /** Ends the weaver thread after its warm-up, unless the installation handed it the targets to load. */
        public void cancel() {
            installed.countDown();
        }

        /** Waits until the weaver thread has verified the protection; false if it has not within the time. */
        public boolean await(long millis) throws InterruptedException {
            return done.await(millis, TimeUnit.MILLISECONDS);
        }

        /** True while the installation has not handed over the targets (or cancelled). */
        final boolean installing() {
            return installed.getCount() > 0;
        }

        final void warmUp() {
            try {
                ConnectTransformer.warmUp();
            } catch (Throwable warmUpFailure) {
                // only the first connects may be slower; the weaving itself reports its own failures
            }
        }

        /** @return false if the installation was cancelled, or this thread is asked to end */
        final boolean awaitTargets() {
            try {
                installed.await();
            } catch (InterruptedException e) {
                return false;
            }
            return loadTargets;
        }

        /**
         * Loads the target classes not loaded yet (not initialized), which weaves them; the load-time transformer,
         * if any, is removed once every one is woven.
         *
         * @param skipped a target left to the application, or null
         */
        final void loadTargetClasses(String skipped) {
            boolean allLoaded = true;
            for (String name : targetClassNames) {
                if (name.equals(skipped)) {
                    continue;
                }
                try {
                    Class.forName(name, false, null);
                } catch (ClassNotFoundException absentOnThisJdk) {
                    protection.classAbsent(name);
                } catch (Throwable failure) {
                    allLoaded = false;
                    protection.classAbsent(name);
                }
            }
            ConnectTransformer weaver = loadTimeWeaver;
            if (weaver != null && allLoaded) {
                // Every target is woven; a target that failed to load keeps the transformer for its next attempt.
                instrumentation.removeTransformer(weaver);
            }
        }

        /** The protection is verified, the steps told, and {@link #await} returns. */
        final void verify() {
            protection.verify();
            try {
                steps.verified(protection);
            } catch (Throwable ignored) {
                // the steps report their own failures
            }
            done.countDown();
        }

        final void settled() {
            try {
                steps.settled();
            } catch (Throwable ignored) {
                // the steps report their own failures
            }
        }

        /** Before the agent's remaining classes load: a jar written into from now on changes nothing. */
        final void readAgentJarFromPrivateCopy() {
            JavaBaseAccess javaBase = this.javaBase;
            if (javaBase == null) {
                return;
            }
            try {
                AgentJar.readFromPrivateCopy(javaBase);
            } catch (Throwable notPossible) {
                // the agent jar's changes are watched for instead (Protection.agentJarProblem)
            }
        }

        final void loadAgentClasses() {
            try {
                steps.loadAgentClasses();
            } catch (Throwable ignored) {
                // it reports its own failures
            }
            protection.markAgentClassesLoaded();
        }
    }

    /**
     * From premain: the target classes are woven as they load, and the work the protection does not need waits until
     * the application's first steps are past. ManagementFactory is loaded too, or the load-time transformer could not
     * go.
     */
    public static final class StartupPreparation extends Preparation {
        /** The libraries' hooks, started on this thread once the JDK's classes are woven. */
        private volatile LibraryWatch libraries;
        /** The sockets the JVM held before its main method could open any; null if not known. */
        private volatile Set<Long> socketsAtStart;

        public StartupPreparation(Instrumentation instrumentation) {
            super(instrumentation);
        }

        @Override
        void weave() {
            readSocketsAtStart();
            warmUp();
            if (!awaitTargets()) {
                return;
            }
            loadTargetClasses(null);
            verify();
            JavaBaseAccess access = javaBase;
            if (access != null && access.jarDirectoriesMapped()) {
                // A write into a jar whose directory of entries the JVM maps can kill it: the copy cannot wait.
                readAgentJarFromPrivateCopy();
            }
            try {
                LibraryWatch watch = libraries;
                if (watch != null) {
                    if (!watch.namedOnClassPath()) {
                        Thread.sleep(LIBRARY_WATCH_DELAY_MILLIS);
                    }
                    watch.startAll();
                }
            } catch (InterruptedException e) {
                return;
            }
            // Elsewhere once the application's first steps are past, which it would slow on two processors; a write
            // before then stops only the loading of the agent's remaining classes, and is reported.
            readAgentJarFromPrivateCopy();
            settled();
            try {
                Thread.sleep(STARTUP_QUIET_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            loadAgentClasses();
        }

        @Override
        ConnectTransformer loadTimeWeaver(List<HookPoint> points, Protection protection) {
            ConnectTransformer weaver = new ConnectTransformer(points, protection);
            instrumentation.addTransformer(weaver, false);
            return weaver;
        }

        @Override
        boolean retransforms(List<Class<?>> loaded) {
            return !loaded.isEmpty();
        }

        @Override
        void startLibraries(LibraryWatch watch) {
            libraries = watch;
        }

        @Override
        void installed(BridgeListeners listeners, List<Class<?>> loaded) {
            // the platform MBean server is met as ManagementFactory loads, woven
        }

        /**
         * The inodes of the sockets the JVM held while premain ran (inherited from the parent process, or opened by
         * the JVM before the agent): none of them is the application's, whose hooks see its own. Null where not Linux,
         * or when this thread could not look before premain was over.
         */
        public Set<Long> socketsAtStart() {
            return socketsAtStart;
        }

        /**
         * The first thing this thread does, while premain goes on: a reading taken once premain is over could hold
         * the application's first sockets, and is dropped.
         */
        private void readSocketsAtStart() {
            try {
                File descriptors = new File(OWN_DESCRIPTORS);
                Set<Long> inodes = descriptors.isDirectory() ? SocketInodes.in(descriptors) : null;
                if (installing()) {
                    socketsAtStart = inodes;
                }
            } catch (SecurityException denied) {
                // a policy that denies the agent this denies it more: the installation says what, once
            } catch (Throwable failure) {
                AgentLog.internalFailure("reading the sockets the JVM held at its start (they are not audited)",
                        failure);
            }
        }
    }

    /**
     * On an attach: every target class loaded already is woven by retransformation, the agent's own classes are loaded
     * before the verification, and the attach is answered once it is done. ManagementFactory is left to the
     * application, whose use of JMX has nothing to do with connects.
     */
    public static final class AttachPreparation extends Preparation {

        public AttachPreparation(Instrumentation instrumentation) {
            super(instrumentation);
        }

        @Override
        void weave() {
            warmUp();
            if (!awaitTargets()) {
                return;
            }
            loadTargetClasses(MANAGEMENT_FACTORY);
            readAgentJarFromPrivateCopy();
            loadAgentClasses();
            verify();
            settled();
        }

        @Override
        ConnectTransformer loadTimeWeaver(List<HookPoint> points, Protection protection) {
            return null;
        }

        @Override
        boolean retransforms(List<Class<?>> loaded) {
            return true;
        }

        @Override
        void startLibraries(LibraryWatch watch) {
            watch.startAll();
        }

        /** ManagementFactory in use already: the platform MBean server is fetched once, so the listener sees it. */
        @Override
        void installed(BridgeListeners listeners, List<Class<?>> loaded) {
            if (listeners.platformServer != null && contains(loaded, MANAGEMENT_FACTORY)) {
                fetchPlatformServerInTheBackground();
            }
        }
    }
}
