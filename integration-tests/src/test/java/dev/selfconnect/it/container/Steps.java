package dev.selfconnect.it.container;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs inside a test container, whose image has no shell, to run a command (the demo) and do one more step in
 * the same network namespace. Uses only java.base. Usage: {@code Steps <step> <port> -- <command...>}; exits with
 * the command's exit code. Steps:
 * <ul>
 * <li>{@code bind-after}: when the command has exited, a server binds the port; prints {@code BOUND <port>} or
 * {@code BIND-FAILED <port>: <exception>}.</li>
 * <li>{@code serve-during}: while the command (a java command with {@code -jar <demo>}) runs, the demo's own
 * {@code serve --port <port>} runs in the background, with the same JVM options, the agent among them.</li>
 * </ul>
 */
public final class Steps {

    public static void main(String[] args) throws Exception {
        List<String> arguments = Arrays.asList(args);
        int separator = arguments.indexOf("--");
        if (separator != 2 || separator == arguments.size() - 1) {
            System.err.println("usage: Steps bind-after|serve-during <port> -- <command...>");
            System.exit(2);
        }
        String step = args[0];
        int port = Integer.parseInt(args[1]);
        List<String> command = arguments.subList(separator + 1, arguments.size());
        switch (step) {
            case "bind-after" -> {
                int exitCode = run(command);
                bind(port);
                System.exit(exitCode);
            }
            case "serve-during" -> {
                int jar = command.indexOf("-jar");
                List<String> serve = new ArrayList<>(command.subList(0, jar + 2));
                serve.addAll(List.of("serve", "--port", String.valueOf(port)));
                Process server = new ProcessBuilder(serve).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                BufferedReader serverOut = new BufferedReader(new InputStreamReader(server.getInputStream()));
                String line = serverOut.readLine();
                System.out.println("server: " + line);
                if (line == null || !line.startsWith("LISTENING ")) {
                    System.exit(98);
                }
                int exitCode = run(command);
                server.destroy();
                System.exit(exitCode);
            }
            default -> {
                System.err.println("unknown step: " + step);
                System.exit(2);
            }
        }
    }

    private static int run(List<String> command) throws IOException, InterruptedException {
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }

    /** Binds the way a typical server does: {@code new ServerSocket(port)}, on every address. */
    private static void bind(int port) {
        try (ServerSocket server = new ServerSocket(port)) {
            System.out.println("BOUND " + port);
        } catch (IOException e) {
            System.out.println("BIND-FAILED " + port + ": " + e);
        }
    }
}
