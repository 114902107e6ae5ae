package dev.selfconnect.netty;

import java.util.function.BiFunction;

/**
 * The template of the class defined next to each hooked Netty class, in Netty's own class loader and package, under
 * another name ({@link HookClass}): the woven Netty method calls it, and it calls the agent through a JDK type only,
 * so that Netty's code links against nothing outside its own loader and java.base's exported packages.
 */
public final class NettyHook {

    /** Set by the agent: gets the unsafe and the connect promise, returns non-null when it took the connect over. */
    public static volatile BiFunction<Object, Object, Object> check;

    /** Set by the agent: gets a server channel and the address it was asked to bind to, once it is bound. */
    public static volatile BiFunction<Object, Object, Object> bound;

    private NettyHook() {
    }

    /**
     * Called at the entry of {@code fulfillConnectPromise(ChannelPromise, boolean)}.
     *
     * @return true when the connect was rejected: the promise is failed, the channel closed; skip the method's body
     */
    public static boolean connected(Object unsafe, Object promise) {
        BiFunction<Object, Object, Object> current = check;
        if (current == null) {
            return false;
        }
        try {
            return current.apply(unsafe, promise) != null;
        } catch (Throwable failure) {
            return false;
        }
    }

    /** Called on the normal return of a native server channel's {@code doBind(SocketAddress)}; never throws. */
    public static void bound(Object channel, Object requested) {
        BiFunction<Object, Object, Object> current = bound;
        if (current == null) {
            return;
        }
        try {
            current.apply(channel, requested);
        } catch (Throwable failure) {
            // the agent reports its own failures
        }
    }
}
