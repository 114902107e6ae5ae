package dev.selfconnect.reporting;

import dev.selfconnect.vocabulary.EphemeralPorts;
import dev.selfconnect.vocabulary.PortRange;
import dev.selfconnect.vocabulary.ReservedPorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SelfConnectionRecordTest {

    private static final String NL = System.lineSeparator();
    private static final EphemeralPorts LINUX_DEFAULT = new EphemeralPorts(new PortRange(32768, 60999),
            ReservedPorts.NONE);
    private final List<String> lines = new ArrayList<>();

    @AfterEach
    void restoreStandardError() {
        AgentLog.captureTo(null);
    }

    @Test
    void theRecordNamesEndpointsApiThreadCauseRemedyAndOutcome() throws Exception {
        SelfConnectionRecord record = new SelfConnectionRecord(InetAddress.getByName("127.0.0.1"), 40000, "Socket",
                "main", LINUX_DEFAULT);

        assertEquals("self-connection 127.0.0.1:40000 -> 127.0.0.1:40000 via Socket on thread \"main\": nothing"
                + " listens on 40000, which lies in the ephemeral port range 32768-60999; reserve it with 'sysctl -w"
                + " net.ipv4.ip_local_reserved_ports=40000' (persist it in /etc/sysctl.d), or move it out of"
                + " 32768-60999; the connection was left open (mode=log)",
                record.line("the connection was left open (mode=log)"));
    }

    @Test
    void theExceptionMessageReadsAsConnectionRefused() throws Exception {
        SelfConnectionRecord record = new SelfConnectionRecord(InetAddress.getByName("::1"), 40000, "SocketChannel",
                "main", null);

        assertEquals("Connection refused: self-connection [::1]:40000 -> [::1]:40000; nothing listens on 40000, and"
                + " the kernel handed that same port to this client as its source port; reserve 40000 in"
                + " net.ipv4.ip_local_reserved_ports, or move the server out of net.ipv4.ip_local_port_range",
                record.exceptionMessage());
    }

    @Test
    void theWarnRecordCarriesTheFramesWhenAskedFor() throws Exception {
        AgentLog.captureTo(lines::add);
        SelfConnectionRecord record = new SelfConnectionRecord(InetAddress.getByName("127.0.0.1"), 40000, "Socket",
                "main", LINUX_DEFAULT);

        record.write("left open", new String[] {"com.example.Client.open(Client.java:7)"}, true);
        record.write("left open", new String[] {"com.example.Client.open(Client.java:7)"}, false);

        assertEquals(List.of("[selfconnect] WARN " + record.line("left open") + NL
                + "\tat com.example.Client.open(Client.java:7)", "[selfconnect] WARN " + record.line("left open")),
                lines);
    }
}
