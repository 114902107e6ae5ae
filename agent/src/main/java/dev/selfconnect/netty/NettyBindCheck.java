package dev.selfconnect.netty;

import dev.selfconnect.hooks.LibrarySite;
import dev.selfconnect.reporting.AgentLog;

import java.net.InetSocketAddress;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * What a woven Netty native server channel calls once it is bound: a bind to a fixed port goes to the agent's bind
 * listener with the transport's server family (the audit reports a listener on an unreserved port inside the
 * ephemeral range as it does for a ServerSocket); a bind to port 0 does not.
 */
final class NettyBindCheck implements BiFunction<Object, Object, Object> {

    private static final ClassValue<Integer> FAMILIES = new ClassValue<Integer>() {
        @Override
        protected Integer computeValue(Class<?> type) {
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                NettyTarget target = NettyTarget.ofWovenClass(c.getName());
                if (target != null) {
                    return target.serverFamily;
                }
            }
            throw new IllegalStateException("not a Netty native server channel: " + type.getName());
        }
    };

    private final LibrarySite site;

    NettyBindCheck(LibrarySite site) {
        this.site = site;
    }

    @Override
    public Object apply(Object channel, Object requested) {
        BiConsumer<Object, Integer> binds = site.binds();
        if (binds == null || channel == null || !(requested instanceof InetSocketAddress)
                || ((InetSocketAddress) requested).getPort() == 0) {
            return null;
        }
        try {
            binds.accept(channel, FAMILIES.get(channel.getClass()));
        } catch (Throwable failure) {
            AgentLog.internalFailure("checking a Netty server's bind", failure);
        }
        return null;
    }
}
