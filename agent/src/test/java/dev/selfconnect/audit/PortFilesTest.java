package dev.selfconnect.audit;

import dev.selfconnect.testing.Stderr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two kernel files, written for real into a directory laid out as /proc/sys/net/ipv4. */
class PortFilesTest {

    @TempDir
    Path proc;

    private void write(String range, String reserved) throws Exception {
        Files.writeString(proc.resolve("ip_local_port_range"), range);
        if (reserved != null) {
            Files.writeString(proc.resolve("ip_local_reserved_ports"), reserved);
        }
    }

    @Test
    void aPortInTheRangeAndNotReservedIsAtRisk() throws Exception {
        write("40000\t40999\n", "40001,40100-40199\n");
        PortFiles files = new PortFiles(proc);

        assertTrue(files.mayBeAtRisk(40000, 40500));
        assertTrue(files.mayBeAtRisk(40999, 40500));
        assertFalse(files.mayBeAtRisk(40001, 40500), "reserved");
        assertFalse(files.mayBeAtRisk(40150, 40500), "reserved range");
        assertFalse(files.mayBeAtRisk(39999, 40500), "below the range");
        assertFalse(files.mayBeAtRisk(41000, 40500), "above the range");
        assertEquals("40000-40999", files.current().range());
        assertEquals("sysctl -w net.ipv4.ip_local_reserved_ports=40001,40100-40199,40005",
                files.current().reserveCommand(40005));
    }

    @Test
    void aLocalPortOutsideTheCachedRangeMakesItReadTheFilesAgain() throws Exception {
        write("40000 40999\n", "");
        PortFiles files = new PortFiles(proc, 0);
        write("30000 30999\n", "30001\n");

        assertTrue(files.mayBeAtRisk(40100, 40500), "a local port inside the cached range: no new reading");
        assertTrue(files.mayBeAtRisk(30100, 30500), "the kernel gave a local port outside it: read again");
        assertFalse(files.mayBeAtRisk(30001, 30500));
        assertFalse(files.mayBeAtRisk(40100, 30500));
    }

    @Test
    void aPortReservedSinceIsNotReported() throws Exception {
        write("40000 40999\n", "");
        PortFiles files = new PortFiles(proc, 0);
        write("40000 40999\n", "40100\n");

        assertFalse(files.current().atRisk(40100));
    }

    @Test
    void anEmptyReservedListReservesNothing() throws Exception {
        write("32768 60999\n", "\n");

        assertTrue(new PortFiles(proc).mayBeAtRisk(40001, 40500));
    }

    @Test
    void aMissingReservedFileReservesNothing() throws Exception {
        write("32768 60999\n", null);

        assertTrue(new PortFiles(proc).mayBeAtRisk(40001, 40500));
    }

    @Test
    void malformedReservedPortsAreReportedOnceAndNotFatal() throws Exception {
        write("40000 40999\n", "40001,4x\n");
        String[] err = new String[1];
        PortFiles[] files = new PortFiles[1];

        err[0] = Stderr.capture(() -> {
            files[0] = new PortFiles(proc);
            files[0].current();
        });

        assertTrue(files[0].mayBeAtRisk(40001, 40500), "nothing counts as reserved");
        assertEquals(1, err[0].lines().count(), err[0]);
        assertTrue(err[0].startsWith("[selfconnect] WARN the risk audit cannot parse " + proc.resolve(
                "ip_local_reserved_ports") + " ('40001,4x': item '4x' is not PORT or LOW-HIGH)"), err[0]);
    }

    @Test
    void aMalformedRangeTurnsTheAuditOff() throws Exception {
        write("40000\n", "");
        String err = Stderr.capture(() -> assertNull(new PortFiles(proc).current()));

        assertTrue(err.contains("'40000' is not 'LOW HIGH'"), err);
    }

    @Test
    void withoutTheFilesTheAuditSaysOnceThatItCannotRun() throws Exception {
        String err = Stderr.capture(() -> {
            PortFiles files = new PortFiles(proc.resolve("absent"));
            assertFalse(files.mayBeAtRisk(40000, 40500));
            assertNull(files.current());
        });

        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("[selfconnect] INFO the risk audit cannot run here: "), err);
    }

    @Test
    void theRealKernelFilesAreRead() {
        // This machine's own range (the build runs on Linux).
        if (Files.exists(PortFiles.DEFAULT_DIRECTORY.resolve("ip_local_port_range"))) {
            assertNotNull(new PortFiles(PortFiles.DEFAULT_DIRECTORY).current());
        }
    }
}
