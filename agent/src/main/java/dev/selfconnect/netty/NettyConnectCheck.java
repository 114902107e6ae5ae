package dev.selfconnect.netty;

import dev.selfconnect.detection.ConnectGuard;
import dev.selfconnect.reporting.AgentLog;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.util.function.BiFunction;

/**
 * What every woven Netty unsafe calls (through its hook class) when a connect has completed, before the connect
 * promise is fulfilled. Netty's types are reached by reflection, resolved once per class: the agent links against
 * none of them, and each Netty copy has its own.
 * <p>
 * TCP stream channels only (those implementing Netty's {@code io.netty.channel.socket.SocketChannel}): domain-socket
 * and datagram channels pass through the same method. Both endpoints are read from the channel's native socket
 * ({@code getsockname}/{@code getpeername}): at this point io_uring has not stored them in the channel yet.
 * <p>
 * On a self-connection in throw mode: SO_LINGER 0 on the socket, the promise failed with the SelfConnectException,
 * the channel closed through its unsafe (Netty closes the file descriptor, asynchronously where io_uring needs it);
 * the woven method then returns without fulfilling the promise, so {@code channelActive} never fires.
 */
final class NettyConnectCheck implements BiFunction<Object, Object, Object> {

    private static final ClassValue<UnsafeAccess> UNSAFES = new ClassValue<UnsafeAccess>() {
        @Override
        protected UnsafeAccess computeValue(Class<?> type) {
            return new UnsafeAccess(type);
        }
    };

    private static final ClassValue<ChannelAccess> CHANNELS = new ClassValue<ChannelAccess>() {
        @Override
        protected ChannelAccess computeValue(Class<?> type) {
            return new ChannelAccess(type);
        }
    };

    @Override
    public Object apply(Object unsafe, Object promise) {
        ConnectGuard guard = NettyTransports.guard();
        if (guard == null || unsafe == null || promise == null) {
            return null;
        }
        UnsafeAccess access = null;
        try {
            access = UNSAFES.get(unsafe.getClass());
            Object channel = access.channel.get(unsafe);
            ChannelAccess channelAccess = CHANNELS.get(channel.getClass());
            if (!channelAccess.tcp) {
                return null;
            }
            Object socket = channelAccess.socket.get(channel);
            Object local = channelAccess.localAddress.invoke(socket);
            Object remote = channelAccess.remoteAddress.invoke(socket);
            if (!(local instanceof InetSocketAddress) || !(remote instanceof InetSocketAddress)) {
                return null;
            }
            IOException rejection = guard.checkEndpoints(channel, access.api, (InetSocketAddress) local,
                    (InetSocketAddress) remote);
            if (rejection == null) {
                return null;
            }
            reject(access, channelAccess, unsafe, socket, promise, rejection);
            return Boolean.TRUE;
        } catch (Throwable failure) {
            AgentLog.internalFailure("checking a " + (access == null ? "Netty" : access.api) + " connection", failure);
            return null;
        }
    }

    private static void reject(UnsafeAccess access, ChannelAccess channelAccess, Object unsafe, Object socket,
                               Object promise, IOException rejection) throws ReflectiveOperationException {
        try {
            channelAccess.setSoLinger.invoke(socket, 0);
        } catch (Throwable failure) {
            AgentLog.internalFailure("resetting a self-connection (the port may stay in TIME_WAIT for a minute)",
                    failure);
        }
        Method tryFailure = method(promise.getClass(), "tryFailure", Throwable.class);
        tryFailure.invoke(promise, rejection);
        access.close.invoke(unsafe, access.voidPromise.invoke(unsafe));
    }

    private static Method method(Class<?> type, String name, Class<?>... parameters) throws NoSuchMethodException {
        Method method = type.getMethod(name, parameters);
        method.setAccessible(true);
        return method;
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (field.getName().equals(name)) {
                    field.setAccessible(true);
                    return field;
                }
            }
        }
        throw new NoSuchFieldException(type.getName() + "." + name);
    }

    /** The unsafe's channel (its outer instance), its close, and the API name of its transport. */
    private static final class UnsafeAccess {
        final String api;
        final Field channel;
        final Method close;
        final Method voidPromise;

        UnsafeAccess(Class<?> type) {
            try {
                api = NettyTarget.apiOf(hookedClass(type).getName());
                channel = field(type, "this$0");
                voidPromise = method(type, "voidPromise");
                close = method(type, "close", voidPromise.getReturnType());
            } catch (ReflectiveOperationException e) {
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

    /** Whether the channel is a TCP stream channel, and how to read its native socket. */
    private static final class ChannelAccess {
        final boolean tcp;
        final Field socket;
        final Method localAddress;
        final Method remoteAddress;
        final Method setSoLinger;

        ChannelAccess(Class<?> type) {
            tcp = isTcp(type);
            if (!tcp) {
                socket = null;
                localAddress = null;
                remoteAddress = null;
                setSoLinger = null;
                return;
            }
            try {
                socket = field(type, "socket");
                Class<?> socketType = socket.getType();
                localAddress = method(socketType, "localAddress");
                remoteAddress = method(socketType, "remoteAddress");
                setSoLinger = method(socketType, "setSoLinger", int.class);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("unexpected Netty channel " + type.getName(), e);
            }
        }

        /** Implements Netty's io.netty.channel.socket.SocketChannel (relocated or not): TCP, not a domain socket. */
        private static boolean isTcp(Class<?> type) {
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                for (Class<?> implemented : c.getInterfaces()) {
                    if (isSocketChannel(implemented)) {
                        return true;
                    }
                }
            }
            return false;
        }

        private static boolean isSocketChannel(Class<?> type) {
            String name = type.getName();
            if (name.equals("io.netty.channel.socket.SocketChannel")
                    || name.endsWith(".io.netty.channel.socket.SocketChannel")) {
                return true;
            }
            for (Class<?> parent : type.getInterfaces()) {
                if (isSocketChannel(parent)) {
                    return true;
                }
            }
            return false;
        }
    }
}
