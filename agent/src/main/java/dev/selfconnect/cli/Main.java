package dev.selfconnect.cli;

import dev.selfconnect.scan.ScanCommand;

import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code java -jar selfconnect.jar list | attach PID [KEY=VALUE ...] | status PID | detach PID}: the agent for JVMs
 * that are already running. Exit status 0 when done, 2 when it could not be done (the message says why; a stack
 * trace only with {@code --debug}), 1 for a failure of the tool itself.
 */
public final class Main {

    static final int EXIT_OK = 0;
    static final int EXIT_INTERNAL = 1;
    static final int EXIT_ERROR = 2;
    /** However a JVM behaves, the tool gives up after this long rather than hang a script. */
    private static final long WATCHDOG_SECONDS = 120;

    private Main() {
    }

    public static void main(String[] args) {
        startWatchdog(System.err, String.join(" ", args));
        System.exit(run(args, System.out, System.err));
    }

    /** Every command by its name; the usage below describes them. */
    private static Map<String, Command> commands() {
        Map<String, Command> commands = new LinkedHashMap<String, Command>();
        commands.put("list", ListCommand::run);
        commands.put("attach", AttachCommand::run);
        commands.put("status", StatusCommand::run);
        commands.put("detach", DetachCommand::run);
        commands.put("scan", ScanCommand::run);
        return commands;
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> arguments = new ArrayList<String>(Arrays.asList(args));
        boolean debug = arguments.remove("--debug");
        if (arguments.isEmpty() || arguments.contains("--help") || arguments.contains("-h")
                || arguments.get(0).equals("help")) {
            if (arguments.isEmpty()) {
                err.print(usage());
                return EXIT_ERROR;
            }
            out.print(usage());
            return EXIT_OK;
        }
        if (arguments.contains("--version") || arguments.contains("-V") || arguments.get(0).equals("version")) {
            out.println("selfconnect " + version() + " (agent and attach tool; running on Java "
                    + System.getProperty("java.version") + " from " + System.getProperty("java.home") + ")");
            return EXIT_OK;
        }
        String name = arguments.remove(0).toLowerCase(Locale.ROOT);
        try {
            Map<String, Command> commands = commands();
            Command command = commands.get(name);
            if (command == null) {
                throw new CliException("unknown command '" + name + "': expected "
                        + Arguments.oneOf(commands.keySet()) + " (see java -jar selfconnect.jar --help)");
            }
            return command.run(arguments, out, err);
        } catch (CliException e) {
            err.println("selfconnect: " + e.getMessage());
            if (debug && e.getCause() != null) {
                e.getCause().printStackTrace(err);
            }
            return EXIT_ERROR;
        } catch (Exception | LinkageError e) {
            err.println("selfconnect: internal error: " + Untrusted.line(e.toString(), Untrusted.LINE)
                    + (debug ? "" : " (run with --debug for the stack trace)"));
            if (debug) {
                e.printStackTrace(err);
            }
            return EXIT_INTERNAL;
        }
    }

    static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null ? "(development build)" : version;
    }

    /** The jar this tool runs from: it is also the agent that gets loaded. */
    static Path agentJar() throws CliException {
        try {
            Path path = Paths.get(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toAbsolutePath();
            if (Files.isRegularFile(path)) {
                return path;
            }
        } catch (URISyntaxException | RuntimeException e) {
            // reported below
        }
        throw new CliException("run this tool from the agent jar: java -jar selfconnect.jar ...");
    }

    private static void startWatchdog(final PrintStream err, final String invocation) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(WATCHDOG_SECONDS * 1000);
            } catch (InterruptedException e) {
                return;
            }
            err.println("selfconnect: " + invocation + " got no answer within "
                    + WATCHDOG_SECONDS + " s; giving up (if it was an attach, check the JVM with: java -jar "
                    + "selfconnect.jar status PID)");
            Runtime.getRuntime().halt(EXIT_ERROR);
        }, "selfconnect-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    static String usage() {
        String n = System.lineSeparator();
        return "selfconnect " + version() + ": finds and stops TCP self-connections; this tool loads the agent into"
                + " a JVM" + n + "that is already running, without restarting it." + n
                + n
                + "Usage: java -jar selfconnect.jar COMMAND" + n
                + "  list                        the JVMs you can attach to: pid, Java version, agent state," + n
                + "                              main class or jar" + n
                + "  attach PID [KEY=VALUE ...]  load the agent into JVM PID with these settings; if it is" + n
                + "                              there already, change the settings named and keep the others" + n
                + "                              (it never instruments twice); --reset: the others go back" + n
                + "                              to their defaults" + n
                + "  status PID                  the agent's settings and counters in JVM PID" + n
                + "  detach PID                  remove the agent's instrumentation from JVM PID" + n
                + "  scan [--pid PID | --all-namespaces] [--json] [--prometheus FILE]" + n
                + "                              find live self-connections and exposed ports in this host's" + n
                + "                              sockets, no agent needed (exit 0 none, 1 found; docs/scan.md)" + n
                + "  --help, --version" + n
                + n
                + "Settings are those of -javaagent:selfconnect.jar=KEY=VALUE,... and -Dselfconnect.KEY=VALUE, with" + n
                + "the same checks, e.g.:" + n
                + "  mode=log|throw|off          log self-connections (default), reject them with" + n
                + "                              dev.selfconnect.SelfConnectException, or remove the agent" + n
                + "  stack-traces=true|false     whether a logged self-connection shows where it was made" + n
                + "  ignore=PORT|HOST:PORT,...   connections to leave alone" + n
                + "Settings not given come from the JVM's -Dselfconnect.* properties and SELFCONNECT_* variables," + n
                + "then from the defaults, when the agent is loaded and with --reset; docs/settings.md lists them all." + n
                + n
                + "The JVM must be yours (root may attach to any), Java 8 or later; this tool needs a JDK (the" + n
                + "jdk.attach module), not a JRE. Java 21 and later print a warning in the JVM each time an agent" + n
                + "is loaded into it while it runs; start the JVM with -XX:+EnableDynamicAgentLoading to allow that" + n
                + "without the warning. A JVM started with -XX:-EnableDynamicAgentLoading accepts no agent." + n
                + n
                + "Options: --debug  show the stack trace of a failure" + n
                + "Exit status: 0 done; 2 not done, the message says why; 1 the tool itself failed" + n;
    }
}
