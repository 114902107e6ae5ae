package dev.selfconnect.hooks;

/** What has just happened when a hooked method returns normally; the bridge has one entry per kind. */
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
    PLATFORM_MBEAN_SERVER
}
