package dev.selfconnect.audit;

import dev.selfconnect.vocabulary.Endpoint;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * Whether an address is this machine's own: loopback, the wildcard, or an address of one of its interfaces. The
 * interfaces are listed at most every few seconds, and only when a connect to a port at risk asks.
 */
final class LocalAddresses {

    private static final long REFRESH_NANOS = 5_000_000_000L;

    private volatile InetAddress[] own;
    private volatile long listedAt;

    boolean isLocal(InetAddress address) {
        if (address == null) {
            return false;
        }
        if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
            return true;
        }
        InetAddress ipv4 = Endpoint.mappedIpv4(address);
        if (ipv4 != null && (ipv4.isLoopbackAddress() || ipv4.isAnyLocalAddress())) {
            return true;
        }
        for (InetAddress candidate : own()) {
            if (candidate.equals(address) || candidate.equals(ipv4)) {
                return true;
            }
        }
        return false;
    }

    private InetAddress[] own() {
        InetAddress[] addresses = own;
        if (addresses == null || System.nanoTime() - listedAt > REFRESH_NANOS) {
            addresses = list();
            own = addresses;
            listedAt = System.nanoTime();
        }
        return addresses;
    }

    private static InetAddress[] list() {
        List<InetAddress> addresses = new ArrayList<InetAddress>();
        try {
            Enumeration<NetworkInterface> interfaces = NetworkInterface.getNetworkInterfaces();
            if (interfaces != null) {
                for (NetworkInterface networkInterface : Collections.list(interfaces)) {
                    addresses.addAll(Collections.list(networkInterface.getInetAddresses()));
                }
            }
        } catch (Exception e) {
            // no interface list: only loopback and the wildcard count as local
        }
        return addresses.toArray(new InetAddress[0]);
    }
}
