package dev.selfconnect.scan;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** One row of /proc/net/tcp or tcp6. An IPv4-mapped IPv6 address is held as the IPv4 address it maps. */
final class TcpSocket {

    static final int ESTABLISHED = 0x01;
    static final int SYN_SENT = 0x02;
    static final int SYN_RECV = 0x03;
    static final int FIN_WAIT1 = 0x04;
    static final int FIN_WAIT2 = 0x05;
    static final int TIME_WAIT = 0x06;
    static final int CLOSE = 0x07;
    static final int CLOSE_WAIT = 0x08;
    static final int LAST_ACK = 0x09;
    static final int LISTEN = 0x0A;
    static final int CLOSING = 0x0B;
    static final int NEW_SYN_RECV = 0x0C;

    final byte[] localAddress;
    final int localPort;
    final byte[] remoteAddress;
    final int remotePort;
    final int state;
    final long uid;
    /** 0 for a socket no process holds (TIME_WAIT, orphaned). */
    final long inode;

    TcpSocket(byte[] localAddress, int localPort, byte[] remoteAddress, int remotePort, int state, long uid,
              long inode) {
        this.localAddress = localAddress;
        this.localPort = localPort;
        this.remoteAddress = remoteAddress;
        this.remotePort = remotePort;
        this.state = state;
        this.uid = uid;
        this.inode = inode;
    }

    /** A state in which the socket has a peer and holds its local port for a process. */
    boolean connected() {
        switch (state) {
            case ESTABLISHED:
            case SYN_RECV:
            case FIN_WAIT1:
            case FIN_WAIT2:
            case CLOSE_WAIT:
            case LAST_ACK:
            case CLOSING:
                return true;
            default:
                return false;
        }
    }

    boolean listening() {
        return state == LISTEN;
    }

    boolean selfConnected() {
        return connected() && localPort == remotePort && Arrays.equals(localAddress, remoteAddress);
    }

    static boolean isWildcard(byte[] address) {
        for (byte b : address) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    static InetAddress inet(byte[] address) {
        try {
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + address.length + " bytes", e);
        }
    }

    static String stateName(int state) {
        switch (state) {
            case ESTABLISHED: return "ESTABLISHED";
            case SYN_SENT: return "SYN_SENT";
            case SYN_RECV: return "SYN_RECV";
            case FIN_WAIT1: return "FIN_WAIT1";
            case FIN_WAIT2: return "FIN_WAIT2";
            case TIME_WAIT: return "TIME_WAIT";
            case CLOSE: return "CLOSE";
            case CLOSE_WAIT: return "CLOSE_WAIT";
            case LAST_ACK: return "LAST_ACK";
            case LISTEN: return "LISTEN";
            case CLOSING: return "CLOSING";
            case NEW_SYN_RECV: return "NEW_SYN_RECV";
            default: return "state " + state;
        }
    }
}
