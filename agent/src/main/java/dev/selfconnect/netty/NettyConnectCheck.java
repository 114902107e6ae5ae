package dev.selfconnect.netty;

import dev.selfconnect.hooks.LibrarySite;
import dev.selfconnect.reporting.AgentLog;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.function.BiFunction;

/**
 * What every woven Netty unsafe calls (through its hook class) when a connect has completed, before the connect
 * promise is fulfilled: the channel goes to the agent's connect listener (the guard) with its transport's family. On
 * a rejection (throw mode; the family has set SO_LINGER 0), the promise is failed with the SelfConnectException, the
 * channel is closed through its unsafe, and the woven method returns without fulfilling the promise, so
 * {@code channelActive} never fires.
 */
final class NettyConnectCheck implements BiFunction<Object, Object, Object> {

    private static final ClassValue<UnsafeAccess> UNSAFES = new ClassValue<UnsafeAccess>() {
        @Override
        protected UnsafeAccess computeValue(Class<?> type) {
            return new UnsafeAccess(type);
        }
    };

    private final LibrarySite site;

    NettyConnectCheck(LibrarySite site) {
        this.site = site;
    }

    @Override
    public Object apply(Object unsafe, Object promise) {
        BiFunction<Object, Integer, IOException> connects = site.connects();
        if (connects == null || unsafe == null || promise == null) {
            return null;
        }
        try {
            UnsafeAccess access = UNSAFES.get(unsafe.getClass());
            IOException rejection = connects.apply(access.channel.get(unsafe), access.family);
            if (rejection == null) {
                return null;
            }
            promise.getClass().getMethod("tryFailure", Throwable.class).invoke(promise, rejection);
            access.close.invoke(unsafe, access.voidPromise.invoke(unsafe));
            return Boolean.TRUE;
        } catch (Throwable failure) {
            AgentLog.internalFailure("checking a Netty connection", failure);
            return null;
        }
    }

    /** The unsafe's channel (its outer instance), its close, and its transport's family. */
    private static final class UnsafeAccess {
        final Integer family;
        final Field channel;
        final Method close;
        final Method voidPromise;

        UnsafeAccess(Class<?> type) {
            try {
                NettyTarget target = NettyTarget.ofWovenClass(hookedClass(type).getName());
                if (target == null) {
                    throw new IllegalStateException("not a Netty transport's unsafe");
                }
                family = target.family;
                channel = NettyChannels.field(type, "this$0");
                voidPromise = NettyChannels.accessible(type.getMethod("voidPromise"));
                close = NettyChannels.accessible(type.getMethod("close", voidPromise.getReturnType()));
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalStateException("unexpected Netty unsafe " + type.getName(), e);
            }
        }

        /** The superclass that declares the hooked method (the concrete unsafe is a subclass). */
        private static Class<?> hookedClass(Class<?> type) {
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                for (Method method : c.getDeclaredMethods()) {
                    if (method.getName().equals(NettyTarget.HOOKED_METHOD)) {
                        return c;
                    }
                }
            }
            return type;
        }
    }
}
