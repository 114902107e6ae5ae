package dev.selfconnect.instrumentation;

import dev.selfconnect.reporting.AgentLog;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The agent's hold on the JVM: the bridge in the bootstrap loader, the guard behind it, and the transformer that
 * weaves every JDK class where a TCP connect completes. It can swap the guard and undo everything.
 */
public final class ConnectInstrumentation {

    static final String BRIDGE = ConnectTransformer.BRIDGE.replace('/', '.');

    private final Instrumentation instrumentation;
    private final ConnectTransformer transformer;
    private final Class<?> bridge;

    private ConnectInstrumentation(Instrumentation instrumentation, ConnectTransformer transformer, Class<?> bridge) {
        this.instrumentation = instrumentation;
        this.transformer = transformer;
        this.bridge = bridge;
    }

    /**
     * True when a bridge in the bootstrap loader has a guard that no instance of this class installed: another copy
     * of the agent, loaded by another class loader, is active.
     */
    public static boolean anotherCopyIsActive() {
        Class<?> bridge = definedBridge();
        try {
            return bridge != null && (Boolean) bridge.getMethod("isInstalled").invoke(null);
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    public static ConnectInstrumentation install(Instrumentation instrumentation,
                                                 BiFunction<Object, String, IOException> guard) throws Exception {
        return install(instrumentation, guard, null);
    }

    /**
     * Installs, and hands every platform MBean server that {@code ManagementFactory.getPlatformMBeanServer()}
     * returns to {@code platformServerHook} (null: none). The server is not created here; if the JVM had loaded
     * ManagementFactory already (an attach), it is fetched once in the background, so the hook sees it.
     */
    public static ConnectInstrumentation install(Instrumentation instrumentation,
                                                 BiFunction<Object, String, IOException> guard,
                                                 Consumer<Object> platformServerHook) throws Exception {
        JavaBaseAccess.openToAgent(instrumentation);
        Class<?> bridge = definedBridge();
        if (bridge == null) {
            BootstrapInjector.inject(instrumentation, BRIDGE);
            bridge = Class.forName(BRIDGE, true, null);
        }
        ConnectInstrumentation installation =
                new ConnectInstrumentation(instrumentation,
                        new ConnectTransformer(ConnectPoint.all(hasBindHook(bridge))), bridge);
        installation.replaceGuard(guard);
        if (platformServerHook != null && hasBindHook(bridge)) {
            bridge.getMethod("installPlatformServerHook", Consumer.class).invoke(null, platformServerHook);
        }
        instrumentation.addTransformer(installation.transformer, true);
        boolean managementLoaded = installation.retransformLoaded();
        weaveTheRestInTheBackground(installation.transformer);
        if (managementLoaded && platformServerHook != null) {
            fetchPlatformServerInTheBackground();
        }
        return installation;
    }

    public void replaceGuard(BiFunction<Object, String, IOException> guard) throws ReflectiveOperationException {
        bridge.getMethod("install", BiFunction.class).invoke(null, guard);
    }

    /** Restores the JDK classes as they were and empties the bridge: the JVM runs as if the agent never came. */
    public void uninstall() throws ReflectiveOperationException {
        bridge.getMethod("uninstall").invoke(null);
        instrumentation.removeTransformer(transformer);
        retransformLoaded();
    }

    /** A bridge defined by an older copy of the agent has no afterBind: its bind points are then not woven. */
    private static boolean hasBindHook(Class<?> bridge) {
        try {
            bridge.getMethod("afterBind", Object.class, Object.class, String.class);
            return true;
        } catch (NoSuchMethodException olderBridge) {
            return false;
        }
    }

    private static Class<?> definedBridge() {
        try {
            return Class.forName(BRIDGE, false, null);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    /**
     * Retransforms the target classes the JVM has loaded: with the transformer registered they are woven (classes
     * loaded before the agent, java.net.Socket may be among them); without it they return to their original form.
     */
    private boolean retransformLoaded() {
        List<Class<?>> loaded = new ArrayList<Class<?>>();
        boolean managementLoaded = false;
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            if (type.getClassLoader() == null && transformer.targets(type.getName().replace('.', '/'))) {
                loaded.add(type);
                managementLoaded |= type.getName().equals(MANAGEMENT_FACTORY);
            }
        }
        for (Class<?> type : loaded) {
            try {
                instrumentation.retransformClasses(type);
            } catch (UnmodifiableClassException | RuntimeException | LinkageError failure) {
                AgentLog.internalFailure("retransforming " + type.getName(), failure);
            }
        }
        return managementLoaded;
    }

    private static final String MANAGEMENT_FACTORY = "java.lang.management.ManagementFactory";

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
     * Loads (without initializing) the target classes the JVM has not loaded yet, on a daemon thread while the
     * application starts, so that their weaving does not fall on the application's first connect. Nothing is missed:
     * the transformer is already registered, and an application thread that needs one of these classes meanwhile
     * waits for the load in progress, as class loading does.
     */
    private static void weaveTheRestInTheBackground(final ConnectTransformer transformer) {
        Thread thread = new Thread(new Runnable() {
            @Override
            public void run() {
                for (String name : transformer.targetClassNames()) {
                    if (name.equals(MANAGEMENT_FACTORY)) {
                        continue; // woven when the application loads it: JMX is not on the connect path
                    }
                    try {
                        Class.forName(name, false, null);
                    } catch (Throwable absentOnThisJdk) {
                        // e.g. no UnixAsynchronousSocketChannelImpl on Windows: nothing to weave
                    }
                }
            }
        }, "selfconnect-weaver");
        thread.setDaemon(true);
        thread.start();
    }
}
