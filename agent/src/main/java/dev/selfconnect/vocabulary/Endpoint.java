package dev.selfconnect.vocabulary;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;

/** How an address and port are compared and written, the same everywhere the agent shows one. */
public final class Endpoint {

    private static final int IPV6_GROUPS = 8;

    private Endpoint() {
    }

    /**
     * "127.0.0.1:40000", or "[::1]:40000" for IPv6 in its RFC 5952 form (zero groups compressed, no zone); null for a
     * null address.
     */
    public static String format(InetAddress address, int port) {
        if (address == null) {
            return null;
        }
        String host = address.getHostAddress();
        if (host.indexOf(':') < 0) {
            return host + ":" + port;
        }
        int zone = host.indexOf('%');
        return "[" + compressIpv6(zone < 0 ? host : host.substring(0, zone)) + "]:" + port;
    }

    /** The address alone, as {@link #format} writes it: "127.0.0.1", "::1". */
    public static String address(InetAddress address) {
        if (address == null) {
            return null;
        }
        String host = address.getHostAddress();
        int zone = host.indexOf('%');
        return host.indexOf(':') < 0 ? host : compressIpv6(zone < 0 ? host : host.substring(0, zone));
    }

    /** Java writes all eight groups ("0:0:0:0:0:0:0:1"); people read the RFC 5952 form ("::1"). */
    public static String compressIpv6(String eightGroups) {
        String[] groups = eightGroups.split(":");
        if (groups.length != IPV6_GROUPS) {
            return eightGroups;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; ) {
            int j = i;
            while (j < groups.length && isZero(groups[j])) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < groups.length; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(stripLeadingZeros(groups[i]));
        }
        return text.toString();
    }

    private static boolean isZero(String group) {
        for (int i = 0; i < group.length(); i++) {
            if (group.charAt(i) != '0') {
                return false;
            }
        }
        return !group.isEmpty();
    }

    private static String stripLeadingZeros(String group) {
        int start = 0;
        while (start < group.length() - 1 && group.charAt(start) == '0') {
            start++;
        }
        return group.substring(start).toLowerCase(Locale.ROOT);
    }

    /** Equal addresses, where an IPv4-mapped IPv6 address (::ffff:a.b.c.d) equals its IPv4 form. */
    public static boolean sameAddress(InetAddress a, InetAddress b) {
        if (a == null || b == null) {
            return false;
        }
        if (a.equals(b)) {
            return true;
        }
        byte[] x = ipv4Bytes(a);
        byte[] y = ipv4Bytes(b);
        return x != null && y != null && Arrays.equals(x, y);
    }

    /** The IPv4 address inside an IPv4-mapped IPv6 address, else null. */
    public static InetAddress mappedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return null;
        }
        byte[] bytes = ipv4Bytes(address);
        try {
            return bytes == null ? null : InetAddress.getByAddress(bytes);
        } catch (UnknownHostException impossible) {
            return null;
        }
    }

    /** The four bytes of an IPv4 address or of an IPv4-mapped IPv6 address; null for any other address. */
    public static byte[] ipv4Bytes(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            return bytes;
        }
        if (bytes.length != 16) {
            return null;
        }
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return null;
            }
        }
        if (bytes[10] != (byte) 0xff || bytes[11] != (byte) 0xff) {
            return null;
        }
        return new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]};
    }

    /** The host name the application connected by, if it used one (no lookup is made), else null. */
    public static String hostName(InetAddress address) {
        if (address == null) {
            return null;
        }
        String text = address.toString();
        int slash = text.indexOf('/');
        return slash > 0 ? text.substring(0, slash) : null;
    }
}
