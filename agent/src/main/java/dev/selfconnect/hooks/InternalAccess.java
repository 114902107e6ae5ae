package dev.selfconnect.hooks;

/**
 * What a family may need from the JDK's internals, given by the instrumentation, which alone holds the access (on
 * JDK 9 and later confined to the agent's own isolated module).
 */
public interface InternalAccess {

    /** Sets SO_LINGER to 0 on the socket of a JDK channel that offers no such option (AsynchronousSocketChannel). */
    void setLingerZero(Object channel) throws Exception;

    /** Access that can do nothing: for tests of families that never need it. */
    InternalAccess NONE = new InternalAccess() {
        @Override
        public void setLingerZero(Object channel) {
            throw new UnsupportedOperationException("no access to the JDK's internals");
        }
    };
}
