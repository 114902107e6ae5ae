package dev.selfconnect.demo;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/** The parsed command line. Options are "--name value" pairs; each command accepts its own. */
record CommandLine(Command command, OptionalInt port, Api api, InetAddress host, long maxAttempts,
                   int holdSeconds, OptionalInt forSeconds) {

    static final long DEFAULT_MAX_ATTEMPTS = 1_000_000;

    enum Command {
        REPRODUCE("reproduce", List.of("--port", "--api", "--host", "--max-attempts", "--hold")),
        PORT_STEAL("port-steal", List.of("--port", "--host", "--max-attempts")),
        SERVE("serve", List.of("--port", "--host", "--for")),
        FREE_PORT("free-port", List.of("--host")),
        HELP("help", List.of());

        final String cliName;
        final List<String> options;

        Command(String cliName, List<String> options) {
            this.cliName = cliName;
            this.options = options;
        }
    }

    static CommandLine parse(String... args) throws UsageException {
        Command command = Command.REPRODUCE;
        int i = 0;
        if (args.length > 0 && !args[0].startsWith("-")) {
            command = commandNamed(args[0]);
            i = 1;
        }
        Map<String, String> values = new HashMap<>();
        for (; i < args.length; i += 2) {
            String name = args[i];
            if (name.equals("--help") || name.equals("-h")) {
                return parse("help");
            }
            if (!command.options.contains(name)) {
                throw new UsageException(command.cliName + " does not take " + name
                        + (command.options.isEmpty() ? "" : "; it takes " + String.join(", ", command.options)));
            }
            if (i + 1 == args.length) {
                throw new UsageException(name + " needs a value");
            }
            if (values.put(name, args[i + 1]) != null) {
                throw new UsageException(name + " given twice");
            }
        }
        return new CommandLine(command,
                values.containsKey("--port") ? OptionalInt.of(number(values, "--port", 1, 65535)) : OptionalInt.empty(),
                values.containsKey("--api") ? Api.named(values.get("--api")) : Api.SOCKET,
                loopbackHost(values.getOrDefault("--host", "127.0.0.1")),
                values.containsKey("--max-attempts")
                        ? number(values, "--max-attempts", 1, Integer.MAX_VALUE) : DEFAULT_MAX_ATTEMPTS,
                values.containsKey("--hold") ? number(values, "--hold", 0, 86_400) : 0,
                values.containsKey("--for") ? OptionalInt.of(number(values, "--for", 1, 86_400)) : OptionalInt.empty());
    }

    private static Command commandNamed(String name) throws UsageException {
        for (Command command : Command.values()) {
            if (command.cliName.equals(name)) {
                return command;
            }
        }
        throw new UsageException("unknown command " + name);
    }

    private static int number(Map<String, String> values, String name, int min, int max) throws UsageException {
        String text = values.get(name);
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(name + " must be a whole number from " + min + " to " + max + ", not \"" + text + "\"");
    }

    /** Loopback only: a self-connection needs the local machine, and the demo never reaches elsewhere. */
    private static InetAddress loopbackHost(String text) throws UsageException {
        try {
            InetAddress address = InetAddress.getByName(text);
            if (address.isLoopbackAddress()) {
                return address;
            }
        } catch (UnknownHostException e) {
            // reported below
        }
        throw new UsageException("--host must be a loopback address such as 127.0.0.1 or ::1, not \"" + text + "\"");
    }
}
