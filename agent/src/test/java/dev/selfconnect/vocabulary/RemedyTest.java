package dev.selfconnect.vocabulary;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RemedyTest {

    private final EphemeralPorts ports = new EphemeralPorts(new PortRange(40000, 40999),
            ReservedPorts.parse("40001"));

    @Test
    void onePortIsReservedWithTheListInForce() {
        assertEquals("reserve it with 'sysctl -w net.ipv4.ip_local_reserved_ports=40001,40005' (persist it in"
                + " /etc/sysctl.d), or move it out of 40000-40999", Remedy.forPort(ports, 40005));
    }

    @Test
    void severalPortsAreReservedInOneCommandMergedIntoRanges() {
        assertEquals("reserve them with 'sysctl -w net.ipv4.ip_local_reserved_ports=40001,40005-40006,40990'"
                + " (persist it in /etc/sysctl.d), or move them out of 40000-40999",
                Remedy.forPorts(ports, List.of(40990, 40005, 40006, 40001)));
    }

    @Test
    void inAnotherNetworkNamespaceTheCommandEntersIt() {
        assertEquals("reserve them with 'nsenter --net=/proc/42/ns/net sysctl -w"
                + " net.ipv4.ip_local_reserved_ports=40001,40005,40990' (persist it in /etc/sysctl.d), or move them out"
                + " of 40000-40999", Remedy.forPortsIn("nsenter --net=/proc/42/ns/net ", ports, List.of(40005, 40990)));
        assertEquals(Remedy.forPorts(ports, List.of(40005)), Remedy.forPortsIn("", ports, List.of(40005)));
    }

    @Test
    void withoutTheKernelFilesTheAdviceNamesTheSettings() {
        assertEquals("reserve 40000 in net.ipv4.ip_local_reserved_ports, or move the server out of"
                + " net.ipv4.ip_local_port_range", Remedy.withoutKernelFiles(40000));
    }

    @Test
    void atRiskMeansInsideTheRangeAndNotReserved() {
        assertEquals(true, ports.atRisk(40000));
        assertEquals(false, ports.atRisk(40001));
        assertEquals(false, ports.atRisk(39999));
        assertEquals(false, ports.atRisk(41000));
    }
}
