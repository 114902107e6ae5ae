package dev.selfconnect.audit;

import dev.selfconnect.config.InvalidSettingException;
import dev.selfconnect.config.Settings;
import dev.selfconnect.config.SettingsLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The audit's two settings as the loader reads them, in their three spellings, against real files. */
class AuditSettingsTest {

    @TempDir
    Path dir;

    @Test
    void theAuditFileIsReadFromEachSourceAndCreatedOwnerOnly() throws Exception {
        Path a = dir.resolve("a.jsonl");
        Path b = dir.resolve("b.jsonl");
        Path c = dir.resolve("c.jsonl");

        assertEquals(a.toString(), SettingsLoader.load("audit.file=" + a, new Properties(), Map.of()).auditFile());
        Properties properties = new Properties();
        properties.setProperty("selfconnect.audit.file", b.toString());
        assertEquals(b.toString(), SettingsLoader.load(null, properties, Map.of()).auditFile());
        assertEquals(c.toString(), SettingsLoader.load(null, new Properties(),
                Map.of("SELFCONNECT_AUDIT_FILE", c.toString())).auditFile());
        for (Path file : new Path[] {a, b, c}) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
    }

    @Test
    void anExistingFileKeepsItsContentAndPermissions() throws Exception {
        Path file = Files.writeString(dir.resolve("kept.jsonl"), "{}\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));

        SettingsLoader.load("audit.file=" + file, new Properties(), Map.of());

        assertEquals("{}\n", Files.readString(file));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void aFileInAMissingDirectoryIsAOneLineError() {
        Path file = dir.resolve("missing").resolve("a.jsonl");

        String message = assertThrows(InvalidSettingException.class,
                () -> SettingsLoader.load("audit.file=" + file, new Properties(), Map.of())).getMessage();

        assertEquals("invalid value '" + file + "' for selfconnect.audit.file (agent argument audit.file=" + file
                + "), it cannot be written (java.nio.file.NoSuchFileException: " + file + "): expected a path to a"
                + " file the JVM can create or append to", message);
    }

    /** Anybody may make a directory in a shared one, so a directory at the path is reported, not a reason to stop. */
    @Test
    void aDirectoryIsNotUsedAndSaysWhy() throws Exception {
        Settings settings = SettingsLoader.load(null, new Properties(), Map.of("SELFCONNECT_AUDIT_FILE",
                dir.toString()));

        assertEquals(dir.toString(), settings.auditFile());
        assertEquals("it is a directory, not a regular file", settings.unusableAuditFile());
    }

    @Test
    void anEmptyAuditFileMeansNone() throws Exception {
        assertNull(SettingsLoader.load("audit.file=", new Properties(), Map.of()).auditFile());
    }

    @Test
    void risksDefaultToTheModeAndShowInTheStartupLineOnlyWhenTheyDiffer() throws Exception {
        Settings log = SettingsLoader.load(null, new Properties(), Map.of());
        Settings throwing = SettingsLoader.load("mode=throw", new Properties(), Map.of());
        Settings off = SettingsLoader.load(null, new Properties(), Map.of("SELFCONNECT_RISKS", "false"));
        Settings on = SettingsLoader.load("mode=throw,risks=TRUE", new Properties(), Map.of());

        assertTrue(log.risks());
        assertFalse(throwing.risks());
        assertFalse(off.risks());
        assertTrue(on.risks());
        assertEquals("mode=log, stack-traces=true, ignore=none", log.describe());
        assertEquals("mode=throw, stack-traces=true, ignore=none", throwing.describe());
        assertEquals("mode=log, stack-traces=true, ignore=none, risks=false", off.describe());
        assertEquals("mode=throw, stack-traces=true, ignore=none, risks=true", on.describe());
    }

    @Test
    void aBadRisksValueIsAOneLineError() {
        String message = assertThrows(InvalidSettingException.class,
                () -> SettingsLoader.load("risks=maybe", new Properties(), Map.of())).getMessage();

        assertEquals("invalid value 'maybe' for selfconnect.risks (agent argument risks=maybe): expected true or"
                + " false (default: true in mode=log, false in mode=throw)", message);
    }
}
