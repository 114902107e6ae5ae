package dev.selfconnect.instrumentation;

import dev.selfconnect.reporting.AgentLog;
import sun.nio.ch.SelfConnectBridge;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The agent's hold on the JVM: the bridge in the bootstrap loader, the guard behind it, and the transformers that
 * weave every JDK class where a TCP connect completes. It can swap the guard and undo what can be undone.
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

    static final String BRIDGE = ConnectTransformer.BRIDGE.replace('/', '.');
    private static final String MANAGEMENT_FACTORY = "java.lang.management.ManagementFactory";

    private final Instrumentation instrumentation;
    /** Weaves the target classes as they load; removed once all are loaded. Null on an attach. */
    private final ConnectTransformer loadTimeWeaver;
    /** Weaves target classes loaded before the agent, by retransformation; null if there were none at startup. */
    private final ConnectTransformer retransformer;

    private ConnectInstrumentation(Instrumentation instrumentation, ConnectTransformer loadTimeWeaver,
                                   ConnectTransformer retransformer) {
        this.instrumentation = instrumentation;
        this.loadTimeWeaver = loadTimeWeaver;
        this.retransformer = retransformer;
    }

    /**
     * True when a bridge in the bootstrap loader has a guard that no instance of this class installed: another copy
     * of the agent, loaded by another class loader, is active.
     */
    public static boolean anotherCopyIsActive(Instrumentation instrumentation) throws ReflectiveOperationException {
        if (!bridgeIsDefined()) {
            return false;
        }
        openJavaBase(instrumentation); // this copy's module may not have been given access to the bridge yet
        return SelfConnectBridge.isInstalled();
    }

    private static JavaBaseAccess openJavaBase(Instrumentation instrumentation) throws ReflectiveOperationException {
        JavaBaseAccess javaBase = JavaBaseAccess.ofThisJvm();
        if (javaBase != null) {
            javaBase.openToAgent(instrumentation);
        }
        return javaBase;
    }

    /**
     * Starts what can start before the settings are known: the weaver thread, which loads ASM's classes meanwhile.
     * Hand the result to {@link #install}, or {@link Preparation#cancel() cancel} it.
     *
     * @param atStartup true from premain: weave as the classes load (see the class comment); false on an attach
     */
    public static Preparation prepare(Instrumentation instrumentation, boolean atStartup) {
        Preparation preparation = new Preparation(instrumentation, atStartup);
        preparation.start();
        return preparation;
    }

    /**
     * Installs, and hands every platform MBean server that {@code ManagementFactory.getPlatformMBeanServer()}
     * returns to {@code platformServerHook} (null: none). The server is not created here; if the JVM had loaded
     * ManagementFactory already (an attach), it is fetched once in the background, so the hook sees it.
     * <p>
     * The bridge is called directly, but only once it is defined in the bootstrap loader: a reference resolved
     * before would, on JDK 8, load the agent jar's own copy of it, which no JDK class calls.
     */
    public static ConnectInstrumentation install(Preparation preparation,
                                                 BiFunction<Object, String, IOException> guard,
                                                 Consumer<Object> platformServerHook) throws Exception {
        try {
            return installWith(preparation, guard, platformServerHook);
        } finally {
            preparation.cancel(); // lets the weaver go on: with the targets if they were handed over, or to its end
        }
    }

    private static ConnectInstrumentation installWith(Preparation preparation,
                                                      BiFunction<Object, String, IOException> guard,
                                                      Consumer<Object> platformServerHook) throws Exception {
        Instrumentation instrumentation = preparation.instrumentation;
        boolean atStartup = preparation.atStartup;
        JavaBaseAccess javaBase = openJavaBase(instrumentation);
        if (!bridgeIsDefined()) {
            BootstrapInjector.inject(instrumentation, javaBase, BRIDGE);
        }
        if (SelfConnectBridge.class.getClassLoader() != null) {
            throw new IllegalStateException("the bridge was loaded from the agent jar instead of the bootstrap "
                    + "class loader; the JDK classes could not call it");
        }
        SelfConnectBridge.install(guard);
        if (platformServerHook != null) {
            SelfConnectBridge.installPlatformServerHook(platformServerHook);
        }
        dev.selfconnect.netty.NettyTransports.install(instrumentation, guard, atStartup);
        ConnectTransformer loadTimeWeaver = null;
        ConnectTransformer retransformer = null;
        List<Class<?>> loaded;
        try {
            if (atStartup) {
                loadTimeWeaver = new ConnectTransformer();
                instrumentation.addTransformer(loadTimeWeaver, false);
            }
            loaded = loadedTargets(instrumentation);
            if (!atStartup || !loaded.isEmpty()) {
                retransformer = new ConnectTransformer();
                instrumentation.addTransformer(retransformer, true);
                retransform(instrumentation, loaded);
            }
        } catch (RuntimeException | Error failure) {
            // Leave nothing half-installed: the caller reports that the agent is not active.
            new ConnectInstrumentation(instrumentation, loadTimeWeaver, retransformer).uninstall();
            throw failure;
        }
        ConnectInstrumentation installation = new ConnectInstrumentation(instrumentation, loadTimeWeaver,
                retransformer);
        preparation.loadTargets(loadTimeWeaver);
        if (!atStartup && platformServerHook != null && contains(loaded, MANAGEMENT_FACTORY)) {
            fetchPlatformServerInTheBackground();
        }
        return installation;
    }

    public void replaceGuard(BiFunction<Object, String, IOException> guard) {
        SelfConnectBridge.install(guard);
        dev.selfconnect.netty.NettyTransports.replaceGuard(guard);
    }

    /**
     * Empties the bridge, so that no hook checks anything any more, removes the transformers and retransforms the
     * target classes: those woven by retransformation return to their original form; those woven as they loaded
     * keep their hooks, which then do nothing (undoing them would take a redefinition from the original class
     * files, which would also drop what other agents wove).
     *
     * @return true if every woven class was restored
     */
    public boolean uninstall() {
        SelfConnectBridge.uninstall();
        dev.selfconnect.netty.NettyTransports.uninstall();
        if (loadTimeWeaver != null) {
            instrumentation.removeTransformer(loadTimeWeaver);
        }
        if (retransformer != null) {
            instrumentation.removeTransformer(retransformer);
        }
        retransform(instrumentation, loadedTargets(instrumentation));
        return loadTimeWeaver == null || loadTimeWeaver.wovenCount() == 0;
    }

    private static boolean bridgeIsDefined() {
        try {
            Class.forName(BRIDGE, false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static List<Class<?>> loadedTargets(Instrumentation instrumentation) {
        List<Class<?>> loaded = new ArrayList<Class<?>>();
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            if (type.getClassLoader() == null && ConnectPoint.isTarget(type.getName())) {
                loaded.add(type);
            }
        }
        return loaded;
    }

    /** With a retransformable transformer of the agent registered, this weaves them; without, it restores them. */
    private static void retransform(Instrumentation instrumentation, List<Class<?>> classes) {
        for (Class<?> type : classes) {
            try {
                instrumentation.retransformClasses(type);
            } catch (UnmodifiableClassException | RuntimeException | LinkageError failure) {
                AgentLog.internalFailure("retransforming " + type.getName(), failure);
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
                } catch (Throwable failure) {
                    AgentLog.internalFailure("fetching the platform MBean server", failure);
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
     * fall on the application's first connect; then, at startup, it removes the load-time transformer. Nothing is
     * missed: the transformers are registered before, and an application thread that needs one of these classes
     * meanwhile waits for the load in progress, as class loading does. ManagementFactory is loaded too at startup,
     * or its transformer could not go; on an attach it is left to the application, whose use of JMX has nothing to
     * do with connects.
     */
    public static final class Preparation {
        private final Instrumentation instrumentation;
        private final boolean atStartup;
        private final CountDownLatch installed = new CountDownLatch(1);
        private volatile boolean loadTargets;
        private volatile ConnectTransformer loadTimeWeaver;

        private Preparation(Instrumentation instrumentation, boolean atStartup) {
            this.instrumentation = instrumentation;
            this.atStartup = atStartup;
        }

        private void start() {
            Thread thread = new Thread(new Runnable() {
                @Override
                public void run() {
                    weave();
                }
            }, "selfconnect-weaver");
            thread.setDaemon(true);
            thread.start();
        }

        /** The transformers are registered: load the targets next, then remove this one (null: none to remove). */
        void loadTargets(ConnectTransformer transformerToRemove) {
            loadTimeWeaver = transformerToRemove;
            loadTargets = true;
        }

        /** Ends the weaver thread after its warm-up, unless the installation handed it the targets to load. */
        public void cancel() {
            installed.countDown();
        }

        private void weave() {
            try {
                ConnectTransformer.warmUp();
            } catch (Throwable failure) {
                AgentLog.internalFailure("preparing the weaving (the first connects may be slower)", failure);
            }
            try {
                installed.await();
            } catch (InterruptedException e) {
                return;
            }
            if (!loadTargets) {
                return;
            }
            boolean allLoaded = true;
            for (String name : ConnectPoint.targetClassNames()) {
                if (!atStartup && name.equals(MANAGEMENT_FACTORY)) {
                    continue;
                }
                try {
                    Class.forName(name, false, null);
                } catch (ClassNotFoundException absentOnThisJdk) {
                    // e.g. no UnixAsynchronousSocketChannelImpl on Windows: nothing to weave
                } catch (Throwable failure) {
                    allLoaded = false;
                    AgentLog.internalFailure("loading " + name + " ahead of the application", failure);
                }
            }
            if (loadTimeWeaver != null && allLoaded) {
                // Every target is woven; a target that failed to load keeps the transformer for its next attempt.
                instrumentation.removeTransformer(loadTimeWeaver);
            }
        }
    }
}
