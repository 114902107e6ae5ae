package dev.selfconnect.scan;

import dev.selfconnect.vocabulary.EphemeralPorts;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Another network namespace's {@code ip_local_port_range} and {@code ip_local_reserved_ports}. The kernel answers a
 * read of /proc/sys/net with the values of the reader's own namespace, through whichever /proc (also
 * /proc/PID/root/proc/sys): the only way to read another namespace's values is to enter it. {@code nsenter --net}
 * does that where this user has CAP_SYS_ADMIN over the namespace (root; or, adding {@code --user}, the user who
 * created the user namespace that owns it).
 */
class ForeignSysctls {

    private static final long TIMEOUT_SECONDS = 5;
    private static final String RANGE = "/proc/sys/net/ipv4/ip_local_port_range";
    private static final String RESERVED = "/proc/sys/net/ipv4/ip_local_reserved_ports";

    private final String nsenter = find("nsenter");
    private final String cat = find("cat");

    /** The settings of the namespace process {@code pid} is in; {@code problem[0]} says why when null. */
    EphemeralPorts read(String pid, String[] problem) {
        if (nsenter == null || cat == null) {
            problem[0] = "its ephemeral port range cannot be read: nsenter (util-linux) is not installed";
            return null;
        }
        String[] output = new String[1];
        String failure = run(Arrays.asList(nsenter, "--net=/proc/" + pid + "/ns/net", "--", cat, RANGE, RESERVED),
                output);
        if (failure != null) {
            String[] again = new String[1];
            if (run(Arrays.asList(nsenter, "--user=/proc/" + pid + "/ns/user", "--net=/proc/" + pid + "/ns/net",
                    "--", cat, RANGE, RESERVED), again) == null) {
                output = again;
                failure = null;
            }
        }
        if (failure != null) {
            problem[0] = "its ephemeral port range cannot be read (entering it with nsenter --net=/proc/" + pid
                    + "/ns/net failed: " + failure + "; that takes root, or CAP_SYS_ADMIN over the namespace)";
            return null;
        }
        String[] lines = output[0].split("\n", -1);
        return NamespacePorts.parse(lines[0], lines.length > 1 ? lines[1] : "", problem);
    }

    /** Runs the command; null on success with its output in {@code output[0]}, else what went wrong. */
    private static String run(List<String> command, String[] output) {
        Process process = null;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String text = readAll(process.getInputStream());
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                return "no answer within " + TIMEOUT_SECONDS + " s";
            }
            if (process.exitValue() != 0) {
                String firstLine = text.trim();
                int newline = firstLine.indexOf('\n');
                return newline < 0 ? firstLine : firstLine.substring(0, newline);
            }
            output[0] = text;
            return null;
        } catch (IOException e) {
            return String.valueOf(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } finally {
            if (process != null) {
                process.destroy();
            }
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        for (int n; (n = in.read(buffer)) > 0; ) {
            bytes.write(buffer, 0, n);
            if (bytes.size() > 1 << 20) {
                break;
            }
        }
        return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
    }

    private static String find(String name) {
        List<String> directories = new ArrayList<String>();
        String path = System.getenv("PATH");
        if (path != null) {
            directories.addAll(Arrays.asList(path.split(File.pathSeparator)));
        }
        directories.addAll(Arrays.asList("/usr/bin", "/bin", "/usr/sbin", "/sbin"));
        for (String directory : directories) {
            File file = new File(directory, name);
            if (!directory.isEmpty() && file.isFile() && file.canExecute()) {
                return file.getPath();
            }
        }
        return null;
    }
}
