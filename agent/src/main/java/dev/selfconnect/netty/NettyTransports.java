package dev.selfconnect.netty;

import dev.selfconnect.hooks.LibraryHooks;
import dev.selfconnect.hooks.LibrarySite;
import dev.selfconnect.reporting.AgentLog;

import java.lang.instrument.Instrumentation;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.BiFunction;

/**
 * Netty's native transports (epoll, io_uring; plain or relocated; any number of copies in any class loaders) in one
 * installation, met only where they appear, so that an application without Netty keeps a JVM with no transformer of
 * the agent registered.
 * <ol>
 * <li>The JDK's native-library loading tells the agent (through the bridge) when a class loader loads a library of
 * Netty's epoll or io_uring transport ({@link LibraryLoadHook}); the loading class names the copy's package prefix.
 * <li>The agent then defines the hook class next to that transport's channel class ({@link HookClass}), registers a
 * transformer for the transport's unsafe class and TCP server channel class in that loader, loads them (without
 * initializing them) and removes the transformer again. An unsafe class already loaded is woven by
 * retransformation instead, and that transformer stays registered, so that other agents' retransformations keep the
 * hook; detach restores it.
 * </ol>
 * When the hooks start, the loaded classes are searched for transports that loaded before. Each copy's transport is
 * recorded in the protection, hooked or not. The checks reach the listeners in force through the
 * {@link LibrarySite}, as the JDK's hooks do through the bridge.
 */
final class NettyTransports implements LibraryHooks {

    private final Object lock = new Object();
    private final LibrarySite site;
    private final Instrumentation instrumentation;
    private final NettyConnectCheck connectCheck;
    private final NettyBindCheck bindCheck;
    /** The transports enabled per class loader (their unsafe classes' names). */
    private final Map<ClassLoader, Set<String>> enabled = new WeakHashMap<ClassLoader, Set<String>>();
    private final List<WeakReference<Class<?>>> hooks = new ArrayList<WeakReference<Class<?>>>();
    private NettyTransformer retransformer;
    private boolean uninstalled;

    private NettyTransports(LibrarySite site) {
        this.site = site;
        this.instrumentation = site.instrumentation();
        this.connectCheck = new NettyConnectCheck(site);
        this.bindCheck = new NettyBindCheck(site);
    }

    /** Weaves the JDK's library loading and looks for transports loaded before. */
    static LibraryHooks start(LibrarySite site) {
        NettyTransports transports = new NettyTransports(site);
        LibraryLoadHook.install(transports.instrumentation);
        transports.scanLoadedClasses();
        return transports;
    }

    /**
     * Stops every check: the hook classes call nothing any more, the unsafe classes woven by retransformation and the
     * JDK's library loading return to their original form. Unsafe classes woven as they loaded keep a hook that does
     * nothing.
     */
    @Override
    public void uninstall() {
        synchronized (lock) {
            uninstalled = true;
            for (WeakReference<Class<?>> reference : hooks) {
                Class<?> hook = reference.get();
                if (hook != null) {
                    setChecks(hook, null, null);
                }
            }
            hooks.clear();
            enabled.clear();
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
        }
    }

    /**
     * From the bridge: a class loader loaded a native library whose path mentions netty; a temporary file's prefix
     * (no subject) only started these hooks.
     */
    @Override
    public void nameSeen(Object fromClass, String path) {
        try {
            if (!(fromClass instanceof Class)) {
                return;
            }
            NettyTarget target = NettyTarget.ofLibrary(path);
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
    void scanLoadedClasses() {
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
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

    private void enable(ClassLoader loader, String prefix, NettyTarget target) {
        String unsafeName = prefix + target.unsafeClass;
        String family = target.familyName + " (" + (prefix.isEmpty() ? "io.netty" : prefix.substring(0,
                prefix.length() - 1)) + ")";
        synchronized (lock) {
            if (uninstalled) {
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
                setChecks(hook, connectCheck, bindCheck);
                hooks.add(new WeakReference<Class<?>>(hook));
                if (!weave(loader, unsafeName)) {
                    site.notHooked(family, NettyTarget.HOOKED_METHOD + " not found in " + unsafeName);
                    return;
                }
                site.hooked(family);
                String serverName = prefix + target.serverClass;
                try {
                    Class<?> serverClass = Class.forName(serverName, false, loader);
                    if (serverClass.getClassLoader() == loader) {
                        weave(loader, serverName);
                    }
                } catch (ClassNotFoundException noServerChannel) {
                    // a copy without it (a trimmed shaded jar): only its clients are checked
                }
            } catch (ClassNotFoundException notThere) {
                // The library was loaded from a loader that does not see the transport's classes: nothing to weave.
            } catch (Throwable failure) {
                AgentLog.internalFailure("instrumenting " + unsafeName + " (its connects are not checked)", failure);
                site.notHooked(family, "weaving failed: " + failure);
            }
        }
    }

    /**
     * Weaves the class as it loads, or by retransformation if it was loaded already.
     *
     * @return false if the class has no method to hook
     */
    private boolean weave(ClassLoader loader, String className) throws Exception {
        NettyTransformer loadTimeWeaver = new NettyTransformer();
        loadTimeWeaver.enable(className, loader);
        instrumentation.addTransformer(loadTimeWeaver, false);
        Class<?> type;
        try {
            type = Class.forName(className, false, loader);
        } finally {
            instrumentation.removeTransformer(loadTimeWeaver);
        }
        if (loadTimeWeaver.hasWoven(className)) {
            return true;
        }
        if (!loadTimeWeaver.hasNoHookPoint(className)) {
            if (retransformer == null) {
                retransformer = new NettyTransformer();
                instrumentation.addTransformer(retransformer, true);
            }
            retransformer.enable(className, loader);
            retransform(Collections.<Class<?>>singletonList(type));
            if (!retransformer.hasNoHookPoint(className)) {
                return true;
            }
        }
        AgentLog.warn("NOT protected on this JVM: " + className + " (in " + loader + ") has no method to hook ("
                + NettyTarget.HOOKED_METHOD + " or " + NettyTarget.BIND_METHOD + " as expected): this Netty "
                + "version's native connects are not checked");
        return false;
    }

    private void retransform(List<Class<?>> classes) {
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
