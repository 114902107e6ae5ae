package dev.selfconnect.netty;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * How to read a Netty native channel, resolved once per channel class by reflection (the agent links against no Netty
 * type, and each Netty copy has its own): whether it is a TCP stream channel (it implements Netty's
 * {@code io.netty.channel.socket.SocketChannel}, relocated or not), and its native socket ({@code io.netty.channel.unix
 * .Socket}: {@code localAddress()}, {@code remoteAddress()}, {@code setSoLinger(int)}), and the endpoints the channel
 * keeps (its {@code local} and {@code remote} fields, where it has them).
 */
final class NettyChannels {

    private static final ClassValue<NettyChannels> CHANNELS = new ClassValue<NettyChannels>() {
        @Override
        protected NettyChannels computeValue(Class<?> type) {
            return new NettyChannels(type);
        }
    };

    final boolean tcp;
    private final Field socket;
    private final Method localAddress;
    private final Method remoteAddress;
    private final Method setSoLinger;
    private final Field keptLocal;
    private final Field keptRemote;

    private NettyChannels(Class<?> type) {
        tcp = isTcp(type);
        keptLocal = socketAddressField(type, "local");
        keptRemote = socketAddressField(type, "remote");
        try {
            socket = field(type, "socket");
            Class<?> socketType = socket.getType();
            localAddress = accessible(socketType.getMethod("localAddress"));
            remoteAddress = accessible(socketType.getMethod("remoteAddress"));
            setSoLinger = accessible(socketType.getMethod("setSoLinger", int.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("unexpected Netty channel " + type.getName(), e);
        }
    }

    static NettyChannels of(Object channel) {
        return CHANNELS.get(channel.getClass());
    }

    InetSocketAddress local(Object channel) throws ReflectiveOperationException {
        return (InetSocketAddress) localAddress.invoke(socket.get(channel));
    }

    InetSocketAddress remote(Object channel) throws ReflectiveOperationException {
        return (InetSocketAddress) remoteAddress.invoke(socket.get(channel));
    }

    /**
     * The local endpoint the channel keeps, if it keeps one (no allocation), else as {@link #local}. Only where the
     * channel stores it after the connect and before the hooked method: epoll's {@code doConnect} reads it right after
     * connect(2), io_uring only inside {@code fulfillConnectPromise}.
     */
    InetSocketAddress keptLocal(Object channel) throws ReflectiveOperationException {
        Object kept = keptLocal == null ? null : keptLocal.get(channel);
        return kept instanceof InetSocketAddress ? (InetSocketAddress) kept : local(channel);
    }

    /** As {@link #keptLocal}: epoll's {@code doFinishConnect} (or {@code doConnect}, at once) stores it. */
    InetSocketAddress keptRemote(Object channel) throws ReflectiveOperationException {
        Object kept = keptRemote == null ? null : keptRemote.get(channel);
        return kept instanceof InetSocketAddress ? (InetSocketAddress) kept : remote(channel);
    }

    void lingerZero(Object channel) throws ReflectiveOperationException {
        setSoLinger.invoke(socket.get(channel), 0);
    }

    static Field field(Class<?> type, String name) throws NoSuchFieldException {
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

    private static Field socketAddressField(Class<?> type, String name) {
        try {
            Field field = field(type, name);
            return field.getType() == SocketAddress.class ? field : null;
        } catch (NoSuchFieldException | RuntimeException notThere) {
            return null;
        }
    }

    static Method accessible(Method method) {
        method.setAccessible(true);
        return method;
    }

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
