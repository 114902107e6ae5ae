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

    private SelfConnectBridge() {
    }

    public static void install(BiFunction<Object, String, IOException> newGuard) {
        guard = newGuard;
    }

    public static void uninstall() {
        guard = null;
    }

    public static boolean isInstalled() {
        return guard != null;
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
