package dev.selfconnect.instrumentation;

import java.io.IOException;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * What the bridge hands each kind of hook to: one listener per {@link dev.selfconnect.hooks.HookKind}, but the names
 * that announce a library, which go to the installation's {@link LibraryWatch}. A library's hooks reach the connect
 * and bind listeners in force through it too.
 */
public final class BridgeListeners {

    final BiFunction<Object, Integer, IOException> connects;
    final BiConsumer<Object, Integer> binds;
    final Consumer<Object> platformServer;
    final BiConsumer<Object, Integer> refusals;

    /**
     * @param connects       (connection, family id) to the exception to throw, or null
     * @param binds          (server, family id) after a bind to a fixed port
     * @param platformServer each platform MBean server ManagementFactory returns; null for none
     * @param refusals       (address asked for, family id) after a connect refused or timed out
     */
    public BridgeListeners(BiFunction<Object, Integer, IOException> connects, BiConsumer<Object, Integer> binds,
                           Consumer<Object> platformServer, BiConsumer<Object, Integer> refusals) {
        this.refusals = refusals;
        this.connects = connects;
        this.binds = binds;
        this.platformServer = platformServer;
    }
}
