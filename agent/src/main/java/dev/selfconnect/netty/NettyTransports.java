package dev.selfconnect.netty;

import dev.selfconnect.reporting.AgentLog;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * Netty's native transports (epoll, io_uring; plain or relocated; any number of copies in any class loaders), met
 * only where they appear, so that an application without Netty keeps a JVM with no transformer of the agent
 * registered.
 * <ol>
 * <li>The JDK's native-library loading tells the agent (through the bridge) when a class loader loads a library of
 * Netty's epoll or io_uring transport ({@link LibraryLoadHook}); the loading class names the copy's package prefix.
 * <li>The agent then defines the hook class next to that transport's channel class ({@link HookClass}), registers a
 * transformer for the transport's unsafe class and TCP server channel class in that loader, loads them (without
 * initializing them) and removes the transformer again. An unsafe class already loaded is woven by retransformation instead, and that
 * transformer stays registered, so that other agents' retransformations keep the hook; detach restores it.
 * </ol>
 * On an attach, and once after the library hook is woven at startup, the loaded classes are searched for transports
 * that loaded before.
 */
public final class NettyTransports {

    private static final Object lock = new Object();
    private static volatile BiFunction<Object, Integer, IOException> connects;
    private static volatile BiConsumer<Object, Integer> binds;
    private static Instrumentation instrumentation;
    private static NettyTransformer retransformer;
    /** The transports enabled per class loader (their unsafe classes' names); cleared on uninstall. */
    private static final Map<ClassLoader, Set<String>> enabled = new WeakHashMap<ClassLoader, Set<String>>();
    private static final List<WeakReference<Class<?>>> hooks = new ArrayList<WeakReference<Class<?>>>();
    /** Starts the watch when a Netty is about to extract its native library; null when nothing waits for that. */
    private static volatile Runnable watchOnExtraction;

    private static final BiConsumer<Object, Object> LIBRARY_LISTENER = new BiConsumer<Object, Object>() {
        @Override
        public void accept(Object fromClass, Object path) {
            libraryLoaded(fromClass, path);
        }
    };

    private NettyTransports() {
    }

    /** Loaded when the first Netty transport appears, not at the agent's start. */
    private static final class Checks {
        static final NettyConnectCheck CONNECT = new NettyConnectCheck();
        static final NettyBindCheck BIND = new NettyBindCheck();
    }

    static BiFunction<Object, Integer, IOException> connects() {
        return connects;
    }

    static BiConsumer<Object, Integer> binds() {
        return binds;
    }

    /** What the bridge tells when a class loader loads a native library of Netty's. */
    public static BiConsumer<Object, Object> libraryListener() {
        return LIBRARY_LISTENER;
    }

    /**
     * Starts watching for Netty's native transports: the returned task weaves the JDK's library loading and looks
     * for transports loaded before (at startup the weaver thread runs it once the JDK's classes are woven; on an
     * attach the attaching thread). The caller hands the bridge {@link #libraryListener()} first.
     *
     * @param connectListener the bridge's connect listener, which the Netty channels go to with their family
     * @param bindListener    the bridge's bind listener, for Netty's server channels bound to a fixed port
     */
    public static Runnable prepare(final Instrumentation inst,
                                   BiFunction<Object, Integer, IOException> connectListener,
                                   BiConsumer<Object, Integer> bindListener) {
        synchronized (lock) {
            instrumentation = inst;
            connects = connectListener;
            binds = bindListener;
        }
        return new Runnable() {
            @Override
            public void run() {
                try {
                    LibraryLoadHook.install(inst);
                    scanLoadedClasses();
                } catch (Throwable failure) {
                    AgentLog.internalFailure("preparing the checks of Netty's native transports", failure);
                }
            }
        };
    }

    /**
     * At startup, before the watch: a Netty's first step towards its native library (extracting it into a temporary
     * file, {@link ExtractionHook}) runs {@code startWatch} on that thread, before the library loads, so that the
     * library hook sees it wherever that Netty comes from. The caller hands the bridge {@link #libraryListener()}
     * first; {@code startWatch} must do nothing the second time.
     *
     * @return false if the JVM had loaded the JDK's temporary-file class before, so that it could not be woven
     */
    public static boolean watchExtraction(Instrumentation inst, Runnable startWatch) {
        watchOnExtraction = startWatch;
        return ExtractionHook.weaveAsItLoads(inst);
    }

    public static void replaceListeners(BiFunction<Object, Integer, IOException> connectListener,
                                        BiConsumer<Object, Integer> bindListener) {
        connects = connectListener;
        binds = bindListener;
    }

    /**
     * Stops every check: the hook classes call nothing any more, the unsafe classes woven by retransformation and the
     * JDK's library loading return to their original form. Unsafe classes woven as they loaded keep a hook that does
     * nothing.
     */
    public static void uninstall() {
        watchOnExtraction = null;
        synchronized (lock) {
            connects = null;
            binds = null;
            for (WeakReference<Class<?>> reference : hooks) {
                Class<?> hook = reference.get();
                if (hook != null) {
                    setChecks(hook, null, null);
                }
            }
            hooks.clear();
            enabled.clear();
            if (instrumentation == null) {
                return;
            }
            if (retransformer != null) {
                instrumentation.removeTransformer(retransformer);
                List<Class<?>> restore = new ArrayList<Class<?>>();
                for (Class<?> type : instrumentation.getAllLoadedClasses()) {
                    if (type != null && retransformer.hasWoven(type.getName())) {
                        restore.add(type);
                    }
                }
                retransformer = null;
                retransform(restore);
            }
            LibraryLoadHook.uninstall(instrumentation);
            instrumentation = null;
        }
    }

    /**
     * From the bridge: a class loader loaded a native library whose path mentions netty, or (fromClass null) a
     * temporary file whose name mentions netty is about to be created.
     */
    static void libraryLoaded(Object fromClass, Object path) {
        try {
            if (fromClass == null) {
                Runnable startWatch = watchOnExtraction;
                if (startWatch != null) {
                    watchOnExtraction = null;
                    startWatch.run();
                }
                return;
            }
            if (!(fromClass instanceof Class) || !(path instanceof String)) {
                return;
            }
            NettyTarget target = NettyTarget.ofLibrary((String) path);
            String prefix = NettyTarget.prefixOf(((Class<?>) fromClass).getName());
            ClassLoader loader = ((Class<?>) fromClass).getClassLoader();
            if (target != null && prefix != null && loader != null) {
                enable(loader, prefix, target);
            }
        } catch (Throwable failure) {
            AgentLog.internalFailure("preparing the checks of Netty's native transports", failure);
        }
    }

    /** Transports whose classes were loaded before the agent could see their library being loaded. */
    static void scanLoadedClasses() {
        Instrumentation inst = instrumentation;
        if (inst == null) {
            return;
        }
        for (Class<?> type : inst.getAllLoadedClasses()) {
            ClassLoader loader = type == null ? null : type.getClassLoader();
            if (loader == null) {
                continue;
            }
            String name = type.getName();
            if (name.indexOf("netty") < 0) {
                continue;
            }
            NettyTarget target = NettyTarget.ofLoadedClass(name);
            String prefix = target == null ? null : NettyTarget.prefixOf(name);
            if (prefix != null) {
                enable(loader, prefix, target);
            }
        }
    }

    private static void enable(ClassLoader loader, String prefix, NettyTarget target) {
        String unsafeName = prefix + target.unsafeClass;
        synchronized (lock) {
            Instrumentation inst = instrumentation;
            if (inst == null) {
                return;
            }
            Set<String> names = enabled.get(loader);
            if (names == null) {
                names = new HashSet<String>();
                enabled.put(loader, names);
            }
            if (!names.add(unsafeName)) {
                return;
            }
            try {
                Class<?> channelClass = Class.forName(prefix + target.channelClass, false, loader);
                Class<?> hook = HookClass.defineNextTo(channelClass);
                setChecks(hook, Checks.CONNECT, Checks.BIND);
                hooks.add(new WeakReference<Class<?>>(hook));
                weave(inst, loader, unsafeName);
                String serverName = prefix + target.serverClass;
                try {
                    Class<?> serverClass = Class.forName(serverName, false, loader);
                    if (serverClass.getClassLoader() == loader) {
                        weave(inst, loader, serverName);
                    }
                } catch (ClassNotFoundException noServerChannel) {
                    // a copy without it (a trimmed shaded jar): only its clients are checked
                }
            } catch (ClassNotFoundException notThere) {
                // The library was loaded from a loader that does not see the transport's classes: nothing to weave.
            } catch (Throwable failure) {
                AgentLog.internalFailure("instrumenting " + unsafeName + " (its connects are not checked)", failure);
            }
        }
    }

    /** Weaves the class as it loads, or by retransformation if it was loaded already. */
    private static void weave(Instrumentation inst, ClassLoader loader, String className) throws Exception {
        NettyTransformer loadTimeWeaver = new NettyTransformer();
        loadTimeWeaver.enable(className, loader);
        inst.addTransformer(loadTimeWeaver, false);
        Class<?> type;
        try {
            type = Class.forName(className, false, loader);
        } finally {
            inst.removeTransformer(loadTimeWeaver);
        }
        if (loadTimeWeaver.hasWoven(className)) {
            return;
        }
        if (!loadTimeWeaver.hasNoHookPoint(className)) {
            if (retransformer == null) {
                retransformer = new NettyTransformer();
                inst.addTransformer(retransformer, true);
            }
            retransformer.enable(className, loader);
            retransform(Collections.<Class<?>>singletonList(type));
            if (!retransformer.hasNoHookPoint(className)) {
                return;
            }
        }
        AgentLog.warn("NOT protected on this JVM: " + className + " (in " + loader + ") has no method to hook ("
                + NettyTarget.HOOKED_METHOD + " or " + NettyTarget.BIND_METHOD + " as expected): this Netty "
                + "version's native connects are not checked");
    }

    private static void retransform(List<Class<?>> classes) {
        for (Class<?> type : classes) {
            try {
                instrumentation.retransformClasses(type);
            } catch (Exception | LinkageError failure) {
                AgentLog.internalFailure("retransforming " + type.getName(), failure);
            }
        }
    }

    private static void setChecks(Class<?> hook, BiFunction<Object, Object, Object> check,
                                  BiFunction<Object, Object, Object> bound) {
        try {
            hook.getField("check").set(null, check);
            hook.getField("bound").set(null, bound);
        } catch (ReflectiveOperationException | RuntimeException failure) {
            AgentLog.internalFailure("switching " + hook.getName(), failure);
        }
    }
}
