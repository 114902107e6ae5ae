package dev.selfconnect.config;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ignore=@FILE}, against real files of this machine. */
class IgnoreFileTest {

    private static final String EXPECTED = ": expected a comma-separated list of PORT, LOW-HIGH, IP:PORT, [IPv6]:PORT"
            + " or localhost:PORT, ports 1-65535, or @FILE to read the list from a file";

    @TempDir
    Path dir;

    @Test
    void entriesAreSeparatedByCommasOrLinesWithComments() throws Exception {
        Path file = list("# services we connect to on purpose\n8080, 9000-9100\n\n127.0.0.1:81 # the sidecar\n"
                + "[::1]:82,localhost:83,\n");

        Settings settings = load("mode=throw,ignore=@" + file + ",stack-traces=false");

        assertEquals("@" + file, settings.ignore().toString());
        assertEquals("mode=throw, stack-traces=false, ignore=@" + file, settings.describe());
        assertTrue(settings.ignore().matches(InetAddress.getByName("10.1.1.1"), 9050));
        assertTrue(settings.ignore().matches(InetAddress.getByName("127.0.0.1"), 81));
        assertTrue(settings.ignore().matches(InetAddress.getByName("127.0.0.2"), 83));
        assertFalse(settings.ignore().matches(InetAddress.getByName("127.0.0.2"), 81));
        assertEquals(settings, load(settings.describe()), "the startup line reads back");
    }

    @Test
    void tenThousandEntriesFromAFileAreTheSameListAsInAProperty() throws Exception {
        StringBuilder lines = new StringBuilder();
        StringBuilder commas = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            String entry = i % 2 == 0 ? Integer.toString(1 + i) : "127.0.0." + (i % 250 + 1) + ":" + (20_000 + i);
            lines.append(entry).append('\n');
            commas.append(commas.length() == 0 ? "" : ",").append(entry);
        }
        Settings fromFile = load("ignore=@" + list(lines.toString()));
        Settings fromProperty = SettingsLoader.load(null, properties("selfconnect.ignore", commas.toString()),
                Map.of());

        for (int port : new int[] {1, 9_999, 20_001, 29_999}) {
            for (String address : new String[] {"127.0.0.2", "127.0.0.250", "10.0.0.1"}) {
                InetAddress remote = InetAddress.getByName(address);
                assertEquals(fromProperty.ignore().matches(remote, port), fromFile.ignore().matches(remote, port),
                        address + ":" + port);
            }
        }
    }

    @Test
    void anEmptyFileIsTheEmptyList() throws Exception {
        assertTrue(load("ignore=@" + list("# nothing yet\n")).ignore().isEmpty());
    }

    @Test
    void aMalformedEntryIsNamedWithItsFile() throws Exception {
        Path file = list("8080\n80x\n");
        assertEquals("invalid value '@" + file + "' for selfconnect.ignore (agent argument ignore=@" + file + "),"
                + " entry '80x' is malformed (in the file " + file + ")" + EXPECTED, error("ignore=@" + file));
    }

    @Test
    void aMissingFileALinkAndAFileOthersMayWriteAreOneLineErrors() throws Exception {
        Path missing = dir.resolve("missing.txt");
        assertEquals("invalid value '@" + missing + "' for selfconnect.ignore (agent argument ignore=@" + missing
                + "), the file " + missing + " does not exist" + EXPECTED, error("ignore=@" + missing));

        Path link = Files.createSymbolicLink(dir.resolve("link.txt"), list("8080"));
        assertTrue(error("ignore=@" + link).contains(", the file " + link + " is a symbolic link; name the file"
                + " itself: expected"));

        Path open = list("8080");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertTrue(error("ignore=@" + open).contains(", the file " + open + " may be written by its group or others"
                + " (mode 666): chmod go-w it: expected"), error("ignore=@" + open));

        assertTrue(error("ignore=@" + dir).contains(", the file " + dir + " is a directory, not a regular file"));
    }

    @Test
    void aFileNamingAFileAndAnEmptyNameAreRefused() throws Exception {
        Path file = dir.resolve("self.txt");
        Files.write(file, ("@" + file + "\n").getBytes(StandardCharsets.UTF_8));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertTrue(error("ignore=@" + file).contains(", the file " + file + " names another file ('@" + file
                + "'): it must hold the entries themselves: expected"), error("ignore=@" + file));
        assertTrue(error("ignore=@").startsWith("invalid value '@' for selfconnect.ignore (agent argument ignore=@),"
                + " '@' names no file: expected"), error("ignore=@"));
    }

    @Test
    void aFileTooLargeOrNotUtf8IsRefused() throws Exception {
        Path large = dir.resolve("large.txt");
        Files.write(large, new byte[IgnoreFile.MAX_BYTES + 1]);
        assertTrue(error("ignore=@" + large).contains(" is larger than 1048576 bytes"));
        Path binary = dir.resolve("binary.txt");
        Files.write(binary, new byte[] {'8', '0', (byte) 0xff});
        assertTrue(error("ignore=@" + binary).contains(" is not UTF-8 text"));
    }

    @Test
    void aFileOfAnotherUserIsRefused() throws Exception {
        Assumptions.assumeTrue(Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid")),
                "changing a file's owner needs root");
        Path file = list("8080");
        Files.setAttribute(file, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
        assertTrue(error("ignore=@" + file).contains(", the file " + file + " is owned by uid 65534, neither root nor"
                + " the JVM's user (uid 0), so another user chooses what is left unchecked: expected"));
    }

    private Path list(String content) throws Exception {
        Path file = Files.createTempFile(dir, "ignore", ".txt");
        Files.write(file, content.getBytes(StandardCharsets.UTF_8));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        return file;
    }

    private static Settings load(String arguments) throws InvalidSettingException {
        return SettingsLoader.load(arguments, new Properties(), Map.of());
    }

    private static String error(String arguments) {
        return assertThrows(InvalidSettingException.class, () -> load(arguments)).getMessage();
    }

    private static Properties properties(String key, String value) {
        Properties properties = new Properties();
        properties.setProperty(key, value);
        return properties;
    }
}
