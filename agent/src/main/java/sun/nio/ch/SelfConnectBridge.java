package sun.nio.ch;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The only agent class in the bootstrap class loader: the JDK's hooked methods call it, one entry per kind of hook.
 * It talks to the rest of the agent through JDK types only, so it never links against agent classes, and it never
 * lets anything but the connect listener's own rejection reach the JDK method that called it.
 * <p>
 * It is defined in java.base's own package {@code sun.nio.ch} (JDK 9 and later, through a private lookup), where
 * every hooked class can call it, because appending a jar to the bootstrap search path would switch off class data
 * sharing for the application's classes and print a JVM warning. On JDK 8 it is appended all the same.
 */
public final class SelfConnectBridge {

    private static final int CONNECT = 0;
    private static final int BIND = 1;
    private static final int PLATFORM_SERVER = 2;
    private static final int REFUSAL = 3;
    private static final int NAME = 4;
    /** The parts of a name that the name listener is told of. */
    private static final int WATCHED_NAMES = 5;
    private static final int SLOTS = 6;

    /**
     * The listeners in force, by the slots above, replaced as a whole so that a hook never sees some of one set and
     * some of another; null when there are none. Static: the JDK's hooked methods, in any class, call the bridge.
     */
    private static volatile Object[] listeners;

    private SelfConnectBridge() {
    }

    /**
     * @param connects receives (connection, family id) after each completed connect and returns the exception to
     *                 throw, or null to let the connection through
     * @param binds    receives (server, family id) after each bind to a fixed TCP port
     * @param platform receives each platform MBean server that ManagementFactory returns; null for none
     * @param refusals receives (address asked for, family id) after a connect refused or timed out
     */
    public static synchronized void install(BiFunction<Object, Integer, IOException> connects,
                                            BiConsumer<Object, Integer> binds, Consumer<Object> platform,
                                            BiConsumer<Object, Integer> refusals) {
        Object[] next = copyOfListeners();
        next[CONNECT] = connects;
        next[BIND] = binds;
        next[PLATFORM_SERVER] = platform;
        next[REFUSAL] = refusals;
        listeners = next;
    }

    public static synchronized void uninstall() {
        listeners = null;
    }

    /**
     * @param names    the parts of a name that say a library is here; a name that contains none is not passed on
     * @param listener receives (subject, name) for such a name: the class for whose loader a native library was
     *                 loaded and the library's path, or null and a name about to be used (a temporary file's prefix)
     */
    public static synchronized void watchNames(String[] names, BiConsumer<Object, Object> listener) {
        Object[] next = copyOfListeners();
        next[WATCHED_NAMES] = names.clone();
        next[NAME] = listener;
        listeners = next;
    }

    private static Object[] copyOfListeners() {
        Object[] current = listeners;
        return current == null ? new Object[SLOTS] : current.clone();
    }

    /** The listener in this slot, or null. */
    private static Object listener(int slot) {
        Object[] current = listeners;
        return current == null ? null : current[slot];
    }

    /**
     * A hooked method met a name that may say a library is here; never throws.
     *
     * @param outcome what the method gave: null when it failed (a library not loaded), and nothing is passed on
     * @param subject what the name is about (the class a native library was loaded for), or null
     * @param name    a native library's path, a temporary file's prefix
     */
    @SuppressWarnings("unchecked")
    public static void nameSeen(Object outcome, Object subject, Object name) {
        Object[] current = listeners;
        if (current == null || outcome == null || !(name instanceof String)) {
            return;
        }
        BiConsumer<Object, Object> listener = (BiConsumer<Object, Object>) current[NAME];
        String[] names = (String[]) current[WATCHED_NAMES];
        if (listener == null || names == null) {
            return;
        }
        for (String part : names) {
            if (((String) name).indexOf(part) >= 0) {
                try {
                    listener.accept(subject, name);
                } catch (Throwable listenerFailure) {
                    // The listener reports its own failures; whatever escapes it must not reach the application.
                }
                return;
            }
        }
    }

    public static boolean isInstalled() {
        return listener(CONNECT) != null;
    }

    /** A hooked method has just completed a TCP connect: {@code connection} is its {@code this}. */
    @SuppressWarnings("unchecked")
    public static void afterConnect(Object connection, int family) throws IOException {
        BiFunction<Object, Integer, IOException> listener =
                (BiFunction<Object, Integer, IOException>) listener(CONNECT);
        if (listener == null) {
            return;
        }
        IOException rejection;
        try {
            rejection = listener.apply(connection, family);
        } catch (Throwable listenerFailure) {
            // The listener counts and reports its own failures; whatever escapes it must not reach the application.
            return;
        }
        if (rejection != null) {
            throw rejection;
        }
    }

    /**
     * A hooked method has just bound a server socket to the address the application asked for. Only a bind to a
     * fixed port reaches the listener (a bind to port 0 takes whatever port the kernel gives).
     */
    @SuppressWarnings("unchecked")
    public static void afterBind(Object server, Object requested, int family) {
        BiConsumer<Object, Integer> listener = (BiConsumer<Object, Integer>) listener(BIND);
        if (listener == null || !(requested instanceof InetSocketAddress)
                || ((InetSocketAddress) requested).getPort() == 0) {
            return;
        }
        try {
            listener.accept(server, family);
        } catch (Throwable listenerFailure) {
            // as above
        }
    }

    /**
     * A hooked connect is about to throw {@code failure} to its caller; only a refusal or a timeout reaches the
     * listener, and the failure goes on unchanged whatever happens here.
     */
    @SuppressWarnings("unchecked")
    public static void afterConnectFailed(Throwable failure, Object requested, int family) {
        BiConsumer<Object, Integer> listener = (BiConsumer<Object, Integer>) listener(REFUSAL);
        if (listener == null || !(failure instanceof ConnectException || failure instanceof SocketTimeoutException)) {
            return;
        }
        try {
            listener.accept(requested, family);
        } catch (Throwable listenerFailure) {
            // as above
        }
    }

    /** ManagementFactory.getPlatformMBeanServer() is returning this server. */
    @SuppressWarnings("unchecked")
    public static void afterPlatformMBeanServer(Object server) {
        Consumer<Object> listener = (Consumer<Object>) listener(PLATFORM_SERVER);
        if (listener == null) {
            return;
        }
        try {
            listener.accept(server);
        } catch (Throwable listenerFailure) {
            // as above
        }
    }
}
