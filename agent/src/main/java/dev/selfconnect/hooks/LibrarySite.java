package dev.selfconnect.hooks;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * What the installation gives a library module: the same listeners the bridge hands the JDK's hooks (the ones in
 * force, which a reconfiguration replaces), and the protection record that {@code status}, the MBean and the summary
 * read.
 */
public interface LibrarySite {

    Instrumentation instrumentation();

    /** (connection, family id) to the exception to throw, or null to let it through; null when switched off. */
    BiFunction<Object, Integer, IOException> connects();

    /** (server, family id) after a bind to a fixed port; null when switched off. */
    BiConsumer<Object, Integer> binds();

    /** A family of the library is hooked in one copy of it: "Netty epoll (io.grpc.netty.shaded)". */
    void hooked(String family);

    /** A family of the library could not be hooked in one copy: its connects go unchecked, for this reason. */
    void notHooked(String family, String why);
}
