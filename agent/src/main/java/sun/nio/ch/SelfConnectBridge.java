package sun.nio.ch;

import java.io.IOException;
import java.util.function.BiFunction;

/**
 * The only agent class in the bootstrap class loader: the JDK's instrumented connect methods call it.
 * It talks to the rest of the agent through a JDK type, so it never links against agent classes.
 * The guard returns the exception to throw, or null to let the connection through.
 * <p>
 * It is defined in java.base's own package {@code sun.nio.ch} (JDK 9 and later, through a private lookup), where
 * every instrumented class can call it, because appending a jar to the bootstrap search path would switch off
 * class data sharing for the application's classes and print a JVM warning. On JDK 8 it is appended all the same.
 */
public final class SelfConnectBridge {

    private static volatile BiFunction<Object, String, IOException> guard;
    private static volatile java.util.function.Consumer<Object> platformServerHook;
    private static volatile java.util.function.BiConsumer<Object, Object> nativeLibraryHook;

    private SelfConnectBridge() {
    }

    public static void install(BiFunction<Object, String, IOException> newGuard) {
        guard = newGuard;
    }

    public static void uninstall() {
        guard = null;
        platformServerHook = null;
        nativeLibraryHook = null;
    }

    /** Who is told that a class loader loaded a native library of Netty (the agent then hooks that Netty). */
    public static void installNativeLibraryHook(java.util.function.BiConsumer<Object, Object> hook) {
        nativeLibraryHook = hook;
    }

    /**
     * Called on every return of the JDK method that loads a native library for a class loader; never throws.
     *
     * @param library   the loaded library, null if it was not loaded
     * @param fromClass the class that asked for it, whose loader gets the library
     * @param name      the library's path
     */
    public static void afterLoadLibrary(Object library, Object fromClass, Object name) {
        java.util.function.BiConsumer<Object, Object> hook = nativeLibraryHook;
        if (hook == null || library == null || !(name instanceof String) || ((String) name).indexOf("netty") < 0) {
            return;
        }
        try {
            hook.accept(fromClass, name);
        } catch (Throwable hookFailure) {
            // The hook reports its own failures; whatever escapes it must not reach the application.
        }
    }

    /** Who receives the platform MBean server (the agent registers its MBean there). */
    public static void installPlatformServerHook(java.util.function.Consumer<Object> hook) {
        platformServerHook = hook;
    }

    /** Called on every return of ManagementFactory.getPlatformMBeanServer(), with the server; never throws. */
    public static void afterPlatformMBeanServer(Object server) {
        java.util.function.Consumer<Object> hook = platformServerHook;
        if (hook == null) {
            return;
        }
        try {
            hook.accept(server);
        } catch (Throwable hookFailure) {
            // The hook reports its own failures; whatever escapes it must not reach the application.
        }
    }

    public static boolean isInstalled() {
        return guard != null;
    }

    /**
     * Called on the normal return of a JDK method that has just bound a server socket. Only a bind to a fixed TCP
     * port reaches the guard (a bind to port 0 takes whatever port the kernel gives); it never throws.
     *
     * @param server    the ServerSocket, ServerSocketChannel or AsynchronousServerSocketChannel that is bound
     * @param requested the address the application asked to bind to
     * @param api       the name of the API family, for the report
     */
    public static void afterBind(Object server, Object requested, String api) {
        BiFunction<Object, String, IOException> current = guard;
        if (current == null || !(requested instanceof java.net.InetSocketAddress)
                || ((java.net.InetSocketAddress) requested).getPort() == 0) {
            return;
        }
        try {
            current.apply(server, api);
        } catch (Throwable guardFailure) {
            // The guard reports its own failures; whatever escapes it must not reach the application.
        }
    }

    /**
     * Called on the normal return of a JDK method that has just completed a TCP connect.
     *
     * @param connection the Socket, SocketChannel or AsynchronousSocketChannel that connected
     * @param api        the name of the API family, for the report
     */
    public static void afterConnect(Object connection, String api) throws IOException {
        BiFunction<Object, String, IOException> current = guard;
        if (current == null) {
            return;
        }
        IOException rejection;
        try {
            rejection = current.apply(connection, api);
        } catch (Throwable guardFailure) {
            // The guard reports its own failures; whatever escapes it must not reach the application.
            return;
        }
        if (rejection != null) {
            throw rejection;
        }
    }
}
