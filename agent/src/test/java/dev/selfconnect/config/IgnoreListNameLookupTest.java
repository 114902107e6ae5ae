package dev.selfconnect.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An ignore entry is a literal, never a name to look up. A child JVM resolves names from a hosts file
 * ({@code -Djdk.net.hosts.file}) in which every name below does resolve: an entry that is looked up would be
 * accepted there, an entry that is read as a literal is rejected.
 */
class IgnoreListNameLookupTest {

    @TempDir
    Path directory;

    @Test
    void hostNameEntryIsRejectedEvenWhereTheNameResolves() throws Exception {
        List<String> output = parseInChildJvm("host.example:80");

        assertEquals(List.of("rejected host.example:80", "host.example resolves to 127.0.0.7"), output);
    }

    @Test
    void bracketedNonHexEntryIsRejectedEvenWhereItResolvesAsAName() throws Exception {
        List<String> output = parseInChildJvm("[zz::1]:80");

        assertEquals(List.of("rejected [zz::1]:80", "host.example resolves to 127.0.0.7"), output);
    }

    /** Parses each entry in a JVM whose only name service is the hosts file, and prints what became of it. */
    static final class ParseInChildJvm {
        public static void main(String[] entries) throws Exception {
            for (String entry : entries) {
                try {
                    IgnoreList.parse(entry);
                    System.out.println("accepted " + entry);
                } catch (IgnoreList.MalformedEntry e) {
                    System.out.println("rejected " + entry);
                }
            }
            // Shows the hosts file is in force, so that "rejected" above means "not looked up".
            System.out.println("host.example resolves to " + InetAddress.getByName("host.example").getHostAddress());
        }
    }

    private List<String> parseInChildJvm(String entry) throws IOException, InterruptedException {
        Path hosts = directory.resolve("hosts");
        Files.write(hosts, List.of("127.0.0.7 host.example", "127.0.0.8 zz::1"), StandardCharsets.US_ASCII);
        Path output = directory.resolve("output.txt");
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djdk.net.hosts.file=" + hosts,
                "-cp", System.getProperty("java.class.path"),
                ParseInChildJvm.class.getName(), entry));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        boolean exited = process.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
        }
        List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        assertTrue(exited && process.exitValue() == 0, () -> "child JVM failed: " + lines);
        return lines;
    }
}
