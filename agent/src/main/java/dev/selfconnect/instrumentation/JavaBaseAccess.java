package dev.selfconnect.instrumentation;

import dev.selfconnect.hooks.InternalAccess;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.StandardSocketOptions;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Everything the agent does inside java.base: define the bridge in {@code sun.nio.ch}, hand it the listeners, and set
 * SO_LINGER on a channel's file descriptor. On JDK 9 and later the implementation is defined in an isolated class
 * loader of the agent's own, and java.base opens {@code sun.nio.ch} to that loader's module only: the application's
 * classes, in other modules, see exactly the access they had without the agent. JDK 8 has no modules.
 */
public abstract class JavaBaseAccess implements InternalAccess {

    protected static final String PACKAGE = "sun.nio.ch";
    protected static final String BRIDGE = PACKAGE + ".SelfConnectBridge";
    private static final String MODULAR = "dev.selfconnect.instrumentation.modular.ModularJavaBase";
    private static final String NET = PACKAGE + ".Net";

    private volatile Linger linger;
    private volatile PreClose preClose;

    /**
     * The access of this JVM: its owner makes it once. The modular implementation registers itself with its loader
     * when its class is initialized: a reflective constructor call would cost JDK 25 some method-handle set-up.
     */
    static JavaBaseAccess make(Instrumentation instrumentation) throws Exception {
        JavaBaseAccess made;
        if (hasModules()) {
            IsolatedLoader loader = new IsolatedLoader(JavaBaseAccess.class.getClassLoader());
            loader.define(MODULAR, AgentJar.classFile(MODULAR));
            Class.forName(MODULAR, true, loader);
            made = loader.registered;
            if (made == null) {
                throw new ClassNotFoundException(MODULAR + " did not register itself");
            }
        } else {
            made = LegacyJavaBase.create();
        }
        made.open(instrumentation);
        return made;
    }

    /** Called by the modular implementation's static initializer, with its own class's loader. */
    protected static void register(JavaBaseAccess access, ClassLoader isolatedLoader) {
        ((IsolatedLoader) isolatedLoader).registered = access;
    }

    private static boolean hasModules() {
        return !System.getProperty("java.specification.version", "1.8").startsWith("1.");
    }

    /** Gives this implementation the access it needs; nobody else gets any. */
    protected abstract void open(Instrumentation instrumentation);

    /** Whether the bridge class is defined in the bootstrap loader. */
    final boolean bridgeDefined() {
        try {
            Class.forName(BRIDGE, false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** Defines the bridge in the bootstrap loader, without initializing it. */
    protected abstract void defineBridge(Instrumentation instrumentation, byte[] classFile) throws Exception;

    protected abstract void installBridge(BiFunction<Object, Integer, IOException> connects,
                                          BiConsumer<Object, Integer> binds, Consumer<Object> platform,
                                          BiConsumer<Object, Integer> refusals);

    protected abstract void uninstallBridge();

    /** The bridge tells this listener of a name that contains one of these parts (a library is here). */
    protected abstract void watchNames(String[] names, BiConsumer<Object, Object> listener);

    protected abstract boolean bridgeInstalled();

    /**
     * Whether the JDK's zip reader maps each class path jar's directory of entries into memory (JDK 8): a read there
     * while the file is shorter kills the JVM with SIGBUS.
     */
    protected abstract boolean jarDirectoriesMapped();

    /** Makes a member of java.base accessible to the agent: only the privileged implementation can. */
    protected abstract void makeAccessible(AccessibleObject member);

    @Override
    public final void setLingerZero(Object channel) throws Exception {
        Linger found = linger;
        if (found == null) {
            found = new Linger();
            linger = found;
        }
        found.setZero(channel);
    }

    @Override
    public final void releaseSocketNow(Object channel) throws Exception {
        PreClose found = preClose;
        if (found == null) {
            found = new PreClose();
            preClose = found;
        }
        found.release(channel);
    }

    /**
     * The JDK's own pre-close (a dup2 of a socket that is already closed onto the descriptor): {@code preClose0} of
     * the socket dispatcher's classes (JDK 21 and later: UnixDispatcher; before: FileDispatcherImpl), or the
     * dispatcher's {@code preClose(FileDescriptor)}.
     */
    private final class PreClose {
        private final Method preClose0;
        private final Method preCloseOfDispatcher;
        private final Object dispatcher;

        PreClose() throws ReflectiveOperationException {
            Class<?> channelClass = Class.forName(PACKAGE + ".SocketChannelImpl", false, null);
            Field nd = channelClass.getDeclaredField("nd");
            makeAccessible(nd);
            dispatcher = nd.get(null);
            Method found = null;
            for (Class<?> c = dispatcher.getClass(); c != null && found == null; c = c.getSuperclass()) {
                found = declared(c, "preClose0");
            }
            if (found == null) {
                try {
                    found = declared(Class.forName(PACKAGE + ".FileDispatcherImpl", false, null), "preClose0");
                } catch (ClassNotFoundException absent) {
                    // then the dispatcher's own preClose
                }
            }
            Method ofDispatcher = null;
            if (found == null) {
                for (Class<?> c = dispatcher.getClass(); c != null && ofDispatcher == null; c = c.getSuperclass()) {
                    ofDispatcher = declared(c, "preClose");
                }
                if (ofDispatcher == null) {
                    throw new NoSuchMethodException(PACKAGE + " preClose0 or preClose(FileDescriptor)");
                }
            }
            preClose0 = found;
            preCloseOfDispatcher = ofDispatcher;
        }

        private Method declared(Class<?> type, String name) {
            for (Method method : type.getDeclaredMethods()) {
                Class<?>[] parameters = method.getParameterTypes();
                if (method.getName().equals(name) && parameters.length == 1
                        && parameters[0] == FileDescriptor.class) {
                    makeAccessible(method);
                    return method;
                }
            }
            return null;
        }

        void release(Object channel) throws ReflectiveOperationException {
            Object fd = fieldOf(channel.getClass(), "fd").get(channel);
            if (preClose0 != null) {
                preClose0.invoke(null, fd);
            } else {
                preCloseOfDispatcher.invoke(dispatcher, fd);
            }
        }
    }

    private Field fieldOf(Class<?> type, String name) throws NoSuchFieldException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Field field = c.getDeclaredField(name);
                makeAccessible(field);
                return field;
            } catch (NoSuchFieldException ignored) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(type.getName() + "." + name);
    }

    /**
     * SO_LINGER through {@code sun.nio.ch.Net.setSocketOption} on the channel's descriptor. Socket-level options are
     * registered for the unspecified protocol family, which the four-parameter form (JDK 8 and 11) must be given.
     */
    private final class Linger {
        private final Method setSocketOption;
        private final Object unspecifiedFamily;

        Linger() throws ReflectiveOperationException {
            Class<?> net = Class.forName(NET, false, null);
            Method found = null;
            for (Method method : net.getDeclaredMethods()) {
                if (method.getName().equals("setSocketOption") && (found == null
                        || method.getParameterTypes().length < found.getParameterTypes().length)) {
                    found = method;
                }
            }
            if (found == null) {
                throw new NoSuchMethodException(NET + ".setSocketOption");
            }
            makeAccessible(found);
            setSocketOption = found;
            Object family = null;
            if (found.getParameterTypes().length == 4) {
                Field unspec = net.getDeclaredField("UNSPEC");
                makeAccessible(unspec);
                family = unspec.get(null);
            }
            unspecifiedFamily = family;
        }

        void setZero(Object channel) throws ReflectiveOperationException {
            Object fd = fieldOf(channel.getClass(), "fd").get(channel);
            if (unspecifiedFamily == null) {
                setSocketOption.invoke(null, fd, StandardSocketOptions.SO_LINGER, 0);
            } else {
                setSocketOption.invoke(null, fd, unspecifiedFamily, StandardSocketOptions.SO_LINGER, 0);
            }
        }
    }

    /** The agent's own loader for its privileged class: its unnamed module is the only one java.base opens to. */
    static final class IsolatedLoader extends ClassLoader {
        /** The implementation the defined class made of itself as it was initialized. */
        volatile JavaBaseAccess registered;

        IsolatedLoader(ClassLoader parent) {
            super(parent);
        }

        void define(String name, byte[] classFile) {
            defineClass(name, classFile, 0, classFile.length, JavaBaseAccess.class.getProtectionDomain());
        }
    }
}
