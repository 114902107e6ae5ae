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

    private static volatile BiFunction<Object, Integer, IOException> connectListener;
    private static volatile BiConsumer<Object, Integer> bindListener;
    private static volatile Consumer<Object> platformServerListener;
    private static volatile BiConsumer<Object, Integer> refusalListener;
    private static volatile BiConsumer<Object, Object> nameListener;
    /** The parts of a name that the name listener is told of; set before the listener. */
    private static volatile String[] watchedNames;

    private SelfConnectBridge() {
    }

    /**
     * @param connects receives (connection, family id) after each completed connect and returns the exception to
     *                 throw, or null to let the connection through
     * @param binds    receives (server, family id) after each bind to a fixed TCP port
     * @param platform receives each platform MBean server that ManagementFactory returns; null for none
     * @param refusals receives (address asked for, family id) after a connect refused or timed out
     */
    public static void install(BiFunction<Object, Integer, IOException> connects, BiConsumer<Object, Integer> binds,
                               Consumer<Object> platform, BiConsumer<Object, Integer> refusals) {
        refusalListener = refusals;
        bindListener = binds;
        platformServerListener = platform;
        connectListener = connects;
    }

    public static void uninstall() {
        connectListener = null;
        bindListener = null;
        refusalListener = null;
        platformServerListener = null;
        nameListener = null;
        watchedNames = null;
    }

    /**
     * @param names    the parts of a name that say a library is here; a name that contains none is not passed on
     * @param listener receives (subject, name) for such a name: the class for whose loader a native library was
     *                 loaded and the library's path, or null and a name about to be used (a temporary file's prefix)
     */
    public static void watchNames(String[] names, BiConsumer<Object, Object> listener) {
        watchedNames = names.clone();
        nameListener = listener;
    }

    /**
     * A hooked method met a name that may say a library is here; never throws.
     *
     * @param outcome what the method gave: null when it failed (a library not loaded), and nothing is passed on
     * @param subject what the name is about (the class a native library was loaded for), or null
     * @param name    a native library's path, a temporary file's prefix
     */
    public static void nameSeen(Object outcome, Object subject, Object name) {
        BiConsumer<Object, Object> listener = nameListener;
        String[] names = watchedNames;
        if (listener == null || names == null || outcome == null || !(name instanceof String)) {
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
        return connectListener != null;
    }

    /** A hooked method has just completed a TCP connect: {@code connection} is its {@code this}. */
    public static void afterConnect(Object connection, int family) throws IOException {
        BiFunction<Object, Integer, IOException> listener = connectListener;
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
    public static void afterBind(Object server, Object requested, int family) {
        BiConsumer<Object, Integer> listener = bindListener;
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
    public static void afterConnectFailed(Throwable failure, Object requested, int family) {
        BiConsumer<Object, Integer> listener = refusalListener;
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
    public static void afterPlatformMBeanServer(Object server) {
        Consumer<Object> listener = platformServerListener;
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
