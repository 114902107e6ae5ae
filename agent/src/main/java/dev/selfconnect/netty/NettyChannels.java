package dev.selfconnect.netty;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;

/**
 * How to read a Netty native channel, resolved once per channel class by reflection (the agent links against no Netty
 * type, and each Netty copy has its own): whether it is a TCP stream channel (it implements Netty's
 * {@code io.netty.channel.socket.SocketChannel}, relocated or not), and its native socket ({@code io.netty.channel.unix
 * .Socket}: {@code localAddress()}, {@code remoteAddress()}, {@code setSoLinger(int)}).
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

    private NettyChannels(Class<?> type) {
        tcp = isTcp(type);
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
