package dev.selfconnect.hooks;

/**
 * What a family may need from the JDK's internals, given by the instrumentation, which alone holds the access (on
 * JDK 9 and later confined to the agent's own isolated module).
 */
public interface InternalAccess {

    /** Sets SO_LINGER to 0 on the socket of a JDK channel that offers no such option (AsynchronousSocketChannel). */
    void setLingerZero(Object channel) throws Exception;

    /**
     * Releases the socket of a JDK channel at once, the way the JDK does when it must close a descriptor other threads
     * may still use: a dead socket is put in its place (dup2), so the descriptor stays valid until the channel's own
     * deferred close, and the connection (with SO_LINGER 0: reset) and its port are released now. For a channel
     * still registered with a selector, whose close the JDK defers until that selector selects again.
     */
    void releaseSocketNow(Object channel) throws Exception;

    /** Access that can do nothing: for tests of families that never need it. */
    InternalAccess NONE = new InternalAccess() {
        @Override
        public void setLingerZero(Object channel) {
            throw new UnsupportedOperationException("no access to the JDK's internals");
        }

        @Override
        public void releaseSocketNow(Object channel) {
            throw new UnsupportedOperationException("no access to the JDK's internals");
        }
    };
}
