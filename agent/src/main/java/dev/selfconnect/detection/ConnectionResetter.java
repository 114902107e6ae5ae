package dev.selfconnect.detection;

import dev.selfconnect.reporting.AgentLog;

import java.io.FileDescriptor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Drops a self-connection so that its port is free at once: SO_LINGER 0 makes close() send a reset instead of
 * entering TIME_WAIT, which would keep the real server from binding the port for about a minute.
 */
public final class ConnectionResetter {

    private volatile AsyncLinger asyncLinger;

    /**
     * Resets the connection. Sockets and SocketChannels are closed here; an AsynchronousSocketChannel only gets
     * SO_LINGER 0, because the JDK closes it itself when the exception leaves its connect method, and closing it
     * here, inside the JDK's begin/end block, would deadlock.
     */
    void reset(Object connection) {
        try {
            if (connection instanceof Socket) {
                Socket socket = (Socket) connection;
                socket.setSoLinger(true, 0);
                socket.close();
            } else if (connection instanceof SocketChannel) {
                SocketChannel channel = (SocketChannel) connection;
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
                channel.close();
            } else if (connection instanceof AsynchronousSocketChannel) {
                asyncLinger().setZero(connection);
            }
        } catch (Throwable failure) {
            AgentLog.internalFailure("resetting a self-connection (the port may stay in TIME_WAIT for a minute)",
                    failure);
        }
    }

    private AsyncLinger asyncLinger() throws ReflectiveOperationException {
        AsyncLinger linger = asyncLinger;
        if (linger == null) {
            linger = new AsyncLinger();
            asyncLinger = linger;
        }
        return linger;
    }

    /**
     * AsynchronousSocketChannel does not offer SO_LINGER, so it is set on the channel's file descriptor through
     * the JDK's internal {@code sun.nio.ch.Net}; the installer opened that package to the agent.
     */
    private static final class AsyncLinger {
        private final Method setSocketOption;

        AsyncLinger() throws ReflectiveOperationException {
            Class<?> net = Class.forName("sun.nio.ch.Net");
            Method found = null;
            for (Method method : net.getDeclaredMethods()) {
                if (method.getName().equals("setSocketOption") && (found == null
                        || method.getParameterTypes().length < found.getParameterTypes().length)) {
                    found = method;
                }
            }
            if (found == null) {
                throw new NoSuchMethodException("sun.nio.ch.Net.setSocketOption");
            }
            found.setAccessible(true);
            setSocketOption = found;
        }

        void setZero(Object channel) throws ReflectiveOperationException {
            FileDescriptor fd = (FileDescriptor) field(channel.getClass(), "fd").get(channel);
            if (setSocketOption.getParameterTypes().length == 3) {
                setSocketOption.invoke(null, fd, StandardSocketOptions.SO_LINGER, 0);
            } else {
                setSocketOption.invoke(null, fd, StandardProtocolFamily.INET, StandardSocketOptions.SO_LINGER, 0);
            }
        }

        private static Field field(Class<?> type, String name) throws NoSuchFieldException {
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                try {
                    Field field = c.getDeclaredField(name);
                    field.setAccessible(true);
                    return field;
                } catch (NoSuchFieldException ignored) {
                    // look in the superclass
                }
            }
            throw new NoSuchFieldException(type.getName() + "." + name);
        }
    }
}
