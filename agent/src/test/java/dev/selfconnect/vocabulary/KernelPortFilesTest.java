package dev.selfconnect.vocabulary;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two kernel files, written for real into a directory laid out as /proc/sys/net/ipv4. */
class KernelPortFilesTest {

    /** The notices, as lines "INFO ..." and "WARN ...". */
    private final List<String> notices = new ArrayList<>();
    private final Notices recorder = new Notices() {
        @Override
        public void info(String message) {
            notices.add("INFO " + message);
        }

        @Override
        public void warn(String message) {
            notices.add("WARN " + message);
        }
    };

    private KernelPortFiles files(Path directory) {
        return new KernelPortFiles(directory, KernelPortFiles.REFRESH_NANOS, recorder);
    }

    private KernelPortFiles alwaysFresh(Path directory) {
        return new KernelPortFiles(directory, 0, recorder);
    }

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
        KernelPortFiles files = files(proc);

        assertTrue(files.mayBeAtRisk(40000, 40500));
        assertTrue(files.mayBeAtRisk(40999, 40500));
        assertFalse(files.mayBeAtRisk(40001, 40500), "reserved");
        assertFalse(files.mayBeAtRisk(40150, 40500), "reserved range");
        assertFalse(files.mayBeAtRisk(39999, 40500), "below the range");
        assertFalse(files.mayBeAtRisk(41000, 40500), "above the range");
        assertEquals("40000-40999", files.current().range().toString());
        assertEquals("sysctl -w net.ipv4.ip_local_reserved_ports=40001,40100-40199,40005",
                Remedy.reserveCommand(files.current(), List.of(40005)));
    }

    @Test
    void aLocalPortOutsideTheCachedRangeMakesItReadTheFilesAgain() throws Exception {
        write("40000 40999\n", "");
        KernelPortFiles files = alwaysFresh(proc);
        write("30000 30999\n", "30001\n");

        assertTrue(files.mayBeAtRisk(40100, 40500), "a local port inside the cached range: no new reading");
        assertTrue(files.mayBeAtRisk(30100, 30500), "the kernel gave a local port outside it: read again");
        assertFalse(files.mayBeAtRisk(30001, 30500));
        assertFalse(files.mayBeAtRisk(40100, 30500));
    }

    @Test
    void aPortReservedSinceIsNotReported() throws Exception {
        write("40000 40999\n", "");
        KernelPortFiles files = alwaysFresh(proc);
        write("40000 40999\n", "40100\n");

        assertFalse(files.current().atRisk(40100));
    }

    @Test
    void anEmptyReservedListReservesNothing() throws Exception {
        write("32768 60999\n", "\n");

        assertTrue(files(proc).mayBeAtRisk(40001, 40500));
    }

    @Test
    void aMissingReservedFileReservesNothing() throws Exception {
        write("32768 60999\n", null);

        assertTrue(files(proc).mayBeAtRisk(40001, 40500));
    }

    @Test
    void malformedReservedPortsAreReportedOnceAndNotFatal() throws Exception {
        write("40000 40999\n", "40001,4x\n");
        KernelPortFiles files = alwaysFresh(proc);
        files.current();

        assertTrue(files.mayBeAtRisk(40001, 40500), "nothing counts as reserved");
        assertEquals(List.of("WARN the risk audit cannot parse " + proc.resolve("ip_local_reserved_ports")
                + " ('40001,4x': item '4x' is not PORT or LOW-HIGH); it counts no port as reserved"), notices);
    }

    @Test
    void aMalformedRangeTurnsTheAuditOff() throws Exception {
        write("40000\n", "");
        assertNull(files(proc).current());

        assertEquals(1, notices.size(), notices.toString());
        assertTrue(notices.get(0).contains("'40000' is not 'LOW HIGH'"), notices.toString());
    }

    @Test
    void withoutTheFilesTheAuditSaysOnceThatItCannotRun() throws Exception {
        KernelPortFiles files = alwaysFresh(proc.resolve("absent"));
        assertFalse(files.mayBeAtRisk(40000, 40500));
        assertNull(files.current());

        assertEquals(1, notices.size(), notices.toString());
        assertTrue(notices.get(0).startsWith("INFO the risk audit cannot run here: "), notices.toString());
    }

    @Test
    void theRealKernelFilesAreRead() {
        // This machine's own range (the build runs on Linux).
        if (Files.exists(KernelPortFiles.DEFAULT_DIRECTORY.resolve("ip_local_port_range"))) {
            assertNotNull(files(KernelPortFiles.DEFAULT_DIRECTORY).current());
            assertEquals(List.of(), notices);
        }
    }
}

