package dev.selfconnect.instrumentation;

import dev.selfconnect.hooks.ProbeAddress;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.security.AccessController;
import java.security.PrivilegedAction;

/**
 * Asks whether {@code java.net.Socket.connect} still carries its hook, without a system call: a socket whose own
 * {@link SocketImpl} refuses every connect at once (no file descriptor is ever made) connects to the probe's address.
 * The woven handler around the method's code passes that refusal to the bridge, whose listener counts a sighting of
 * the address ({@link ProbeAddress}). Refused, but not seen: the method ran without its hook, the class was
 * redefined. Anything else (a security policy that denies the call, a JDK that never reaches the socket's
 * implementation) proves nothing either way.
 */
final class SocketProbe implements HookWatch.Probe {

    private final ProbeAddress address = new ProbeAddress();

    @Override
    @SuppressWarnings("removal")
    public HookWatch.Outcome probe() {
        if (System.getSecurityManager() == null) {
            return connect();
        }
        return AccessController.doPrivileged(new PrivilegedAction<HookWatch.Outcome>() {
            @Override
            public HookWatch.Outcome run() {
                return connect();
            }
        });
    }

    private HookWatch.Outcome connect() {
        long before = address.sightings();
        RefusingImpl impl = new RefusingImpl();
        try (Socket socket = new ProbeSocket(impl)) {
            socket.connect(address, 0);
            return HookWatch.Outcome.UNKNOWN;
        } catch (ProbeRefusal refusal) {
            if (!impl.reached) {
                return HookWatch.Outcome.UNKNOWN;
            }
            return address.sightings() != before ? HookWatch.Outcome.HOOKED : HookWatch.Outcome.GONE;
        } catch (Throwable other) {
            return HookWatch.Outcome.UNKNOWN;
        }
    }

    private static final class ProbeSocket extends Socket {
        ProbeSocket(SocketImpl impl) throws SocketException {
            super(impl);
        }
    }

    /** The refusal the probe's socket gives: made without a stack trace, since nobody reads one. */
    private static final class ProbeRefusal extends ConnectException {
        private static final long serialVersionUID = 1L;

        ProbeRefusal() {
            super("selfconnect hook probe: no connection is made");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /** A socket implementation with no file descriptor: every connect is refused before anything else happens. */
    private static final class RefusingImpl extends SocketImpl {
        volatile boolean reached;

        @Override
        protected void create(boolean stream) {
            // nothing to create
        }

        @Override
        protected void connect(String host, int port) throws IOException {
            reached = true;
            throw new ProbeRefusal();
        }

        @Override
        protected void connect(InetAddress address, int port) throws IOException {
            reached = true;
            throw new ProbeRefusal();
        }

        @Override
        protected void connect(SocketAddress address, int timeout) throws IOException {
            reached = true;
            throw new ProbeRefusal();
        }

        @Override
        protected void bind(InetAddress host, int port) throws IOException {
            throw new SocketException("the hook probe's socket binds nothing");
        }

        @Override
        protected void listen(int backlog) throws IOException {
            throw new SocketException("the hook probe's socket listens to nothing");
        }

        @Override
        protected void accept(SocketImpl s) throws IOException {
            throw new SocketException("the hook probe's socket accepts nothing");
        }

        @Override
        protected InputStream getInputStream() throws IOException {
            throw new SocketException("the hook probe's socket has no stream");
        }

        @Override
        protected OutputStream getOutputStream() throws IOException {
            throw new SocketException("the hook probe's socket has no stream");
        }

        @Override
        protected int available() {
            return 0;
        }

        @Override
        protected void close() {
            // nothing was opened
        }

        @Override
        protected void sendUrgentData(int data) throws IOException {
            throw new SocketException("the hook probe's socket sends nothing");
        }

        @Override
        public void setOption(int optionId, Object value) {
            // no options
        }

        @Override
        public Object getOption(int optionId) {
            return null;
        }
    }
}
