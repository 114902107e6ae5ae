package dev.selfconnect.scan;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** A directory laid out like /proc: processes with their namespaces, descriptors and socket tables. */
final class FakeProc {

    final Path root;

    FakeProc(Path root) {
        this.root = root;
        sysctls("40000 40999", "40001");
    }

    FakeProc sysctls(String range, String reserved) {
        write(root.resolve("sys/net/ipv4/ip_local_port_range"), range + "\n");
        write(root.resolve("sys/net/ipv4/ip_local_reserved_ports"), reserved + "\n");
        return this;
    }

    FakeProc self(long pid) {
        try {
            Files.deleteIfExists(root.resolve("self"));
            Files.createSymbolicLink(root.resolve("self"), Paths.get(Long.toString(pid)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A process in a namespace of its own, with these socket tables. */
    FakeProc process(long pid, String command, long namespace, String tcp, String tcp6) {
        Path dir = root.resolve(Long.toString(pid));
        write(dir.resolve("net/tcp"), tcp);
        if (tcp6 != null) {
            write(dir.resolve("net/tcp6"), tcp6);
        }
        describe(pid, command, namespace);
        return this;
    }

    /** Writes the process's /proc/PID/stat, with this start time (clock ticks after boot) as its field 22. */
    FakeProc started(long pid, long ticks) {
        StringBuilder stat = new StringBuilder(pid + " (a (b) c) S");
        for (int field = 4; field <= 52; field++) {
            stat.append(' ').append(field == 22 ? ticks : field);
        }
        write(root.resolve(Long.toString(pid)).resolve("stat"), stat + "\n");
        return this;
    }

    /** A process in the namespace of another. */
    FakeProc processIn(long pid, String command, long namespace, long sharesNetOf) {
        Path dir = root.resolve(Long.toString(pid));
        try {
            Files.createDirectories(dir);
            Files.createSymbolicLink(dir.resolve("net"), Paths.get("../" + sharesNetOf + "/net"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        describe(pid, command, namespace);
        return this;
    }

    private void describe(long pid, String command, long namespace) {
        Path dir = root.resolve(Long.toString(pid));
        try {
            Files.createDirectories(dir.resolve("ns"));
            Files.createDirectories(dir.resolve("fd"));
            Files.createSymbolicLink(dir.resolve("ns/net"), Paths.get("net:[" + namespace + "]"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (command != null) {
            write(dir.resolve("cmdline"), command.replace(' ', '\0') + "\0");
            String executable = command.split(" ")[0];
            write(dir.resolve("comm"), executable.substring(executable.lastIndexOf('/') + 1) + "\n");
            write(dir.resolve("maps"), executable.endsWith("java")
                    ? "7f00-7f01 r-xp 00000000 08:01 1 /usr/lib/jvm/x/lib/server/libjvm.so\n"
                    : "5500-5501 r-xp 00000000 08:01 1 /usr/bin/python3\n");
        }
    }

    FakeProc fd(long pid, int fd, String target) {
        try {
            Files.createSymbolicLink(root.resolve(pid + "/fd/" + fd), Paths.get(target));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    FakeProc socket(long pid, int fd, long inode) {
        return fd(pid, fd, "socket:[" + inode + "]");
    }

    /** A jar whose manifest names the selfconnect agent, open in the process. */
    FakeProc agentJar(long pid, int fd) {
        Path jar = root.resolve("selfconnect.jar");
        if (!Files.exists(jar)) {
            Manifest manifest = new Manifest();
            manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            manifest.getMainAttributes().putValue("Agent-Class", "dev.selfconnect.agent.SelfConnectAgent");
            try (OutputStream out = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(out,
                    manifest)) {
                // the manifest is all it needs
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return fd(pid, fd, jar.toString());
    }

    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A row of /proc/net/tcp (little-endian addresses). */
    static String row(String local, String remote, int state, long inode) {
        return String.format("   0: %s %s %02X 00000000:00000000 00:00000000 00000000  1000        0 %d 1 "
                + "0000000000000000 20 4 30 10 -1\n", hex(local), hex(remote), state, inode);
    }

    /** "127.0.0.1:40000" as the kernel writes it on a little-endian machine: "0100007F:9C40". */
    private static String hex(String endpoint) {
        String[] parts = endpoint.split(":");
        String[] octets = parts[0].split("\\.");
        return String.format("%02X%02X%02X%02X:%04X", Integer.parseInt(octets[3]), Integer.parseInt(octets[2]),
                Integer.parseInt(octets[1]), Integer.parseInt(octets[0]), Integer.parseInt(parts[1]));
    }
}
