package dev.selfconnect.netty;

/**
 * A Netty native transport whose TCP client connects complete in
 * {@code private void fulfillConnectPromise(ChannelPromise, boolean)} of its channel's unsafe: at that method's entry
 * the connect has completed and the channel's native socket knows both endpoints. Names are given without the
 * package prefix a relocated copy adds before {@code io.netty.}.
 */
enum NettyTarget {
    EPOLL("io.netty.channel.epoll.AbstractEpollChannel", "$AbstractEpollUnsafe", "io.netty.channel.epoll.Native",
            "io.netty.channel.epoll.EpollServerSocketChannel", "netty_transport_native_epoll", NettyHooks.EPOLL,
            NettyHooks.EPOLL_SERVER, "Netty epoll"),
    // Netty 4.2's io_uring; its library name also starts with the incubator's, so it is matched first.
    IO_URING("io.netty.channel.uring.AbstractIoUringChannel", "$AbstractUringUnsafe", "io.netty.channel.uring.Native",
            "io.netty.channel.uring.IoUringServerSocketChannel", "netty_transport_native_io_uring42",
            NettyHooks.IO_URING, NettyHooks.IO_URING_SERVER, "Netty io_uring"),
    // The incubator transport for Netty 4.1 (io.netty.incubator:netty-incubator-transport-*-io_uring 0.0.x).
    IO_URING_INCUBATOR("io.netty.incubator.channel.uring.AbstractIOUringChannel", "$AbstractUringUnsafe",
            "io.netty.incubator.channel.uring.Native", "io.netty.incubator.channel.uring.IOUringServerSocketChannel",
            "netty_transport_native_io_uring", NettyHooks.IO_URING, NettyHooks.IO_URING_SERVER,
            "Netty io_uring");

    static final String HOOKED_METHOD = "fulfillConnectPromise";
    /** The hooked method's descriptor ends with this; before it comes the (relocated) package prefix. */
    static final String HOOKED_DESCRIPTOR_END = "io/netty/channel/ChannelPromise;Z)V";
    /** A TCP server channel's bind: on its normal return the channel is bound (and listens). */
    static final String BIND_METHOD = "doBind";
    static final String BIND_DESCRIPTOR = "(Ljava/net/SocketAddress;)V";
    /** The class of Netty's that loads its native libraries (through System.load), in every copy. */
    static final String LIBRARY_LOADER_CLASS = "io.netty.util.internal.NativeLibraryUtil";

    /** The channel class whose inner class is the unsafe. */
    final String channelClass;
    final String unsafeClass;
    /** The class that loads the transport's native library: loaded means the transport was at least tried. */
    final String nativeClass;
    /** The TCP server channel, whose binds the audit reports like a ServerSocket's. */
    final String serverClass;
    final String library;
    /** The ids of its connection and server families ({@link NettyHooks}). */
    final int family;
    final int serverFamily;
    /** How the protection names it, before the copy's package: "Netty epoll". */
    final String familyName;

    NettyTarget(String channelClass, String unsafeSuffix, String nativeClass, String serverClass, String library,
                int family, int serverFamily, String familyName) {
        this.familyName = familyName;
        this.channelClass = channelClass;
        this.unsafeClass = channelClass + unsafeSuffix;
        this.nativeClass = nativeClass;
        this.serverClass = serverClass;
        this.library = library;
        this.family = family;
        this.serverFamily = serverFamily;
    }

    /** The transport whose native library this is (a path or a file name), or null. */
    static NettyTarget ofLibrary(String path) {
        String file = path.substring(path.lastIndexOf('/') + 1);
        for (NettyTarget target : values()) {
            if (file.contains(target.library)) {
                return target;
            }
        }
        return null;
    }

    /**
     * The package prefix of a Netty copy, from the name of one of its classes ("" for Netty itself,
     * "io.grpc.netty.shaded." for gRPC's copy), or null if the name is not one of Netty's.
     */
    static String prefixOf(String className) {
        if (className.startsWith("io.netty.")) {
            return "";
        }
        int at = className.indexOf(".io.netty.");
        return at < 0 ? null : className.substring(0, at + 1);
    }

    /** The transport of a woven unsafe or server class (relocated or not), or null. */
    static NettyTarget ofWovenClass(String wovenClassName) {
        for (NettyTarget target : values()) {
            if (wovenClassName.endsWith(target.unsafeClass) || wovenClassName.endsWith(target.serverClass)) {
                return target;
            }
        }
        return null;
    }

    /** The target whose unsafe or native class this is (relocated or not), or null. */
    static NettyTarget ofLoadedClass(String className) {
        for (NettyTarget target : values()) {
            if (endsWithName(className, target.unsafeClass) || endsWithName(className, target.nativeClass)) {
                return target;
            }
        }
        return null;
    }

    private static boolean endsWithName(String className, String name) {
        return className.equals(name) || className.endsWith("." + name);
    }
}
