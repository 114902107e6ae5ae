package dev.selfconnect.scan;

import dev.selfconnect.vocabulary.EphemeralPorts;
import dev.selfconnect.vocabulary.PortRange;
import dev.selfconnect.vocabulary.ReservedPorts;

/**
 * A namespace's two port settings from their files' text. Unlike the agent, which counts a malformed reserved list
 * as "nothing reserved", the scan then judges no listener at all: a port the list may reserve is never a finding.
 */
final class NamespacePorts {

    private NamespacePorts() {
    }

    /** The settings, or null with the reason in {@code problem[0]}. */
    static EphemeralPorts parse(String rangeText, String reservedText, String[] problem) {
        PortRange range = PortRange.parse(rangeText);
        if (range == null) {
            problem[0] = "its ip_local_port_range reads '" + String.valueOf(rangeText).trim() + "', not 'LOW HIGH'";
            return null;
        }
        try {
            return new EphemeralPorts(range, ReservedPorts.parse(reservedText));
        } catch (IllegalArgumentException malformed) {
            problem[0] = "its ip_local_reserved_ports cannot be parsed (" + malformed.getMessage() + ")";
            return null;
        }
    }
}
