package dev.selfconnect.instrumentation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JDK method on whose normal return a TCP connect has completed, and the API name the report gives it. Methods that
 * return a boolean report a completed connect with {@code true}; the hook runs only then. A bind point is a method on
 * whose normal return a server socket is bound: its hook also passes the address the application asked for (the
 * method's first parameter), so that a bind to port 0 is told apart from a bind to a fixed port.
 */
final class ConnectPoint {

    /** Every point, on JDK 8 to 25: a method a JDK lacks is simply not found there. */
    static final ConnectPoint[] ALL = {
        // Every Socket connect overload, the connecting constructors, HttpURLConnection and SSL sockets end here.
        new ConnectPoint("java/net/Socket", "connect", "(Ljava/net/SocketAddress;I)V", "Socket"),
        // A blocking or immediate connect, and a finishConnect that completes a pending one.
        new ConnectPoint("sun/nio/ch/SocketChannelImpl", "connect", "(Ljava/net/SocketAddress;)Z", "SocketChannel"),
        new ConnectPoint("sun/nio/ch/SocketChannelImpl", "finishConnect", "()Z", "SocketChannel"),
        // The socket adaptor (SocketChannel.socket().connect) on JDK 11 and later.
        new ConnectPoint("sun/nio/ch/SocketChannelImpl", "blockingConnect", "(Ljava/net/SocketAddress;J)V",
                "SocketChannel"),
        // Both an immediate and a pending connect; an exception here fails the Future or the handler.
        new ConnectPoint("sun/nio/ch/UnixAsynchronousSocketChannelImpl", "setConnected", "()V",
                "AsynchronousSocketChannel"),
        // Server sockets (issue 6: a listener on an unreserved ephemeral port). ServerSocket(port) constructors and
        // bind(SocketAddress) end in the first; ServerSocketChannel.socket().bind in the second.
        ConnectPoint.bind("java/net/ServerSocket", "bind", "(Ljava/net/SocketAddress;I)V", "ServerSocket"),
        ConnectPoint.bind("sun/nio/ch/ServerSocketChannelImpl", "bind",
                "(Ljava/net/SocketAddress;I)Ljava/nio/channels/ServerSocketChannel;", "ServerSocketChannel"),
        ConnectPoint.bind("sun/nio/ch/AsynchronousServerSocketChannelImpl", "bind",
                "(Ljava/net/SocketAddress;I)Ljava/nio/channels/AsynchronousServerSocketChannel;",
                "AsynchronousServerSocketChannel"),
        // Not a socket: the platform MBean server, handed to the agent when it comes to exist (issue 6, JMX).
        ConnectPoint.platformMBeanServer(),
    };

    final String owner;
    final String method;
    final String descriptor;
    final String api;
    final boolean bind;
    /** A static method whose returned object the hook receives: ManagementFactory.getPlatformMBeanServer. */
    final boolean staticResult;

    private ConnectPoint(String owner, String method, String descriptor, String api) {
        this(owner, method, descriptor, api, false);
    }

    private ConnectPoint(String owner, String method, String descriptor, String api, boolean bind) {
        this(owner, method, descriptor, api, bind, false);
    }

    private ConnectPoint(String owner, String method, String descriptor, String api, boolean bind,
                         boolean staticResult) {
        this.owner = owner;
        this.method = method;
        this.descriptor = descriptor;
        this.api = api;
        this.bind = bind;
        this.staticResult = staticResult;
    }

    private static ConnectPoint platformMBeanServer() {
        return new ConnectPoint("java/lang/management/ManagementFactory", "getPlatformMBeanServer",
                "()Ljavax/management/MBeanServer;", "JMX", false, true);
    }

    /** The point of the class that {@link ConnectTransformer#warmUp()} builds and weaves. */
    static ConnectPoint warmUpSample() {
        return new ConnectPoint("dev/selfconnect/instrumentation/WarmUpSample", "connect",
                "(Ljava/net/SocketAddress;I)V", "warm-up");
    }

    private static ConnectPoint bind(String owner, String method, String descriptor, String api) {
        return new ConnectPoint(owner, method, descriptor, api, true);
    }

    /** The points of each class to weave, by the class's internal name. */
    static Map<String, List<ConnectPoint>> byOwner() {
        Map<String, List<ConnectPoint>> byOwner = new HashMap<String, List<ConnectPoint>>();
        for (ConnectPoint point : ALL) {
            List<ConnectPoint> list = byOwner.get(point.owner);
            if (list == null) {
                list = new ArrayList<ConnectPoint>();
                byOwner.put(point.owner, list);
            }
            list.add(point);
        }
        return byOwner;
    }

    private static final Set<String> TARGET_CLASS_NAMES = targetClassNames(ALL);

    private static Set<String> targetClassNames(ConnectPoint[] points) {
        Set<String> names = new LinkedHashSet<String>();
        for (ConnectPoint point : points) {
            names.add(point.owner.replace('/', '.'));
        }
        return Collections.unmodifiableSet(names);
    }

    /** The binary names of the classes to weave. */
    static Set<String> targetClassNames() {
        return TARGET_CLASS_NAMES;
    }

    static boolean isTarget(String className) {
        return TARGET_CLASS_NAMES.contains(className);
    }

    boolean returnsBoolean() {
        return descriptor.endsWith(")Z");
    }

    /** The internal name of the object the method returns, or null when it returns a primitive or nothing. */
    String returnedObjectType() {
        String returned = descriptor.substring(descriptor.indexOf(')') + 1);
        return returned.startsWith("L") ? returned.substring(1, returned.length() - 1) : null;
    }
}
