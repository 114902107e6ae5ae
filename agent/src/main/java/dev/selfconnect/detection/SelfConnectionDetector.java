package dev.selfconnect.detection;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The rule itself: a connected TCP socket whose local endpoint equals its remote endpoint is connected to itself.
 * Plain code with no instrumentation, so tests call it directly.
 */
public final class SelfConnectionDetector {

    private SelfConnectionDetector() {
    }

    public static boolean isSelfConnection(InetAddress localAddress, int localPort,
                                           InetAddress remoteAddress, int remotePort) {
        if (localPort != remotePort || localPort <= 0 || localAddress == null || remoteAddress == null) {
            return false;
        }
        return sameAddress(localAddress, remoteAddress);
    }

    /** Equal addresses, where an IPv4-mapped IPv6 address (::ffff:a.b.c.d) equals its IPv4 form. */
    static boolean sameAddress(InetAddress a, InetAddress b) {
        if (a.equals(b)) {
            return true;
        }
        byte[] x = ipv4Form(a);
        byte[] y = ipv4Form(b);
        return x != null && y != null && java.util.Arrays.equals(x, y);
    }

    private static byte[] ipv4Form(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            return bytes;
        }
        if (address instanceof Inet6Address && bytes.length == 16) {
            for (int i = 0; i < 10; i++) {
                if (bytes[i] != 0) {
                    return null;
                }
            }
            if (bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff) {
                return new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]};
            }
        }
        return null;
    }
}
