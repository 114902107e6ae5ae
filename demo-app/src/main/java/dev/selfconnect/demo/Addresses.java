package dev.selfconnect.demo;

import java.net.Inet6Address;
import java.net.InetSocketAddress;

final class Addresses {
    private Addresses() {
    }

    /** HOST:PORT, with brackets around IPv6 hosts. */
    static String format(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (address.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
