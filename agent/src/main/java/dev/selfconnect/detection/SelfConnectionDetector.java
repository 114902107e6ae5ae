package dev.selfconnect.detection;

import dev.selfconnect.vocabulary.Endpoint;

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
        return localPort == remotePort && localPort > 0 && Endpoint.sameAddress(localAddress, remoteAddress);
    }
}
