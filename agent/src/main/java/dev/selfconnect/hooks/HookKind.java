package dev.selfconnect.hooks;

/**
 * What has just happened when a hooked method returns normally (or, for a name, is about to run); the bridge has one
 * entry per kind, and no kind names a library.
 */
public enum HookKind {
    /**
     * A TCP connect has completed: the hooked instance method's {@code this} is the connection. A method returning
     * a boolean reports a completed connect with {@code true}; the hook runs only then.
     */
    CONNECT_COMPLETED,
    /**
     * A server socket is bound: {@code this} is the server, the first parameter the address the application asked
     * for (so that a bind to port 0 is told apart from a bind to a fixed port).
     */
    SERVER_BOUND,
    /** A static method returned the platform MBean server: the hook receives the returned object. */
    PLATFORM_MBEAN_SERVER,
    /**
     * A static method is about to use a name that may say a library is here (a temporary file's prefix): at its
     * entry the hook hands the name (the parameter in {@link HookPoint#nameLocal()}) to the bridge, whose listener
     * passes on only names that contain a module's {@link HookModule#announcingNames() announcing names}.
     */
    NAME_SEEN
}
