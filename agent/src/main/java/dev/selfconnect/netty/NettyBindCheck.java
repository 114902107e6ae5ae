package dev.selfconnect.netty;

import dev.selfconnect.detection.ConnectGuard;
import dev.selfconnect.reporting.AgentLog;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.util.function.BiFunction;

/**
 * What a woven Netty native server channel calls once it is bound: a bind to a fixed port goes to the audit, which
 * reports a listener on an unreserved port inside the ephemeral range as it does for a ServerSocket. The bound
 * address is read from the channel's native socket (a bind to port 0 is never a finding, and is not read at all).
 */
final class NettyBindCheck implements BiFunction<Object, Object, Object> {

    private static final ClassValue<ServerAccess> SERVERS = new ClassValue<ServerAccess>() {
        @Override
        protected ServerAccess computeValue(Class<?> type) {
            return new ServerAccess(type);
        }
    };

    @Override
    public Object apply(Object channel, Object requested) {
        ConnectGuard guard = NettyTransports.guard();
        if (guard == null || channel == null || !(requested instanceof InetSocketAddress)
                || ((InetSocketAddress) requested).getPort() == 0) {
            return null;
        }
        ServerAccess access = null;
        try {
            access = SERVERS.get(channel.getClass());
            Object local = access.localAddress.invoke(access.socket.get(channel));
            if (local instanceof InetSocketAddress) {
                guard.listeningEndpoint(access.api, (InetSocketAddress) local);
            }
        } catch (Throwable failure) {
            AgentLog.internalFailure("checking a " + (access == null ? "Netty server" : access.api) + " listener",
                    failure);
        }
        return null;
    }

    private static final class ServerAccess {
        final String api;
        final Field socket;
        final Method localAddress;

        ServerAccess(Class<?> type) {
            api = NettyTarget.apiOf(type.getName());
            try {
                Field found = null;
                for (Class<?> c = type; c != null && found == null; c = c.getSuperclass()) {
                    for (Field field : c.getDeclaredFields()) {
                        if (field.getName().equals("socket")) {
                            found = field;
                            break;
                        }
                    }
                }
                if (found == null) {
                    throw new NoSuchFieldException(type.getName() + ".socket");
                }
                found.setAccessible(true);
                socket = found;
                localAddress = found.getType().getMethod("localAddress");
                localAddress.setAccessible(true);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("unexpected Netty server channel " + type.getName(), e);
            }
        }
    }
}
