package dev.selfconnect.cli;

import dev.selfconnect.config.InvalidSettingException;
import dev.selfconnect.config.SettingsLoader;

import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;

/** The checks on a command's arguments that need nothing but the arguments. */
final class Arguments {

    /** Settings the target JVM checks, not this tool: they name files on the target's side. */
    static final List<String> CHECKED_BY_THE_TARGET = Collections.singletonList("audit.file");

    private Arguments() {
    }

    /**
     * No option, and between {@code min} and {@code max} arguments.
     *
     * @param usage the command's synopsis after {@code java -jar selfconnect.jar}, e.g. {@code status PID}
     */
    static void require(String command, List<String> arguments, int min, int max, String usage)
            throws CliException {
        for (String argument : arguments) {
            if (argument.startsWith("-")) {
                throw new CliException("unknown option '" + argument + "' for " + command + ": usage: java -jar "
                        + "selfconnect.jar " + usage + (command.equals("attach")
                        ? " (settings are KEY=VALUE, e.g. mode=throw)" : ""));
            }
        }
        if (arguments.size() < min || arguments.size() > max) {
            throw new CliException((arguments.size() < min ? "missing" : "too many") + " arguments for " + command
                    + ": usage: java -jar selfconnect.jar " + usage);
        }
    }

    /** The settings as agent arguments, checked as the agent checks them: a bad one never reaches the JVM. */
    static String settings(List<String> settings) throws CliException {
        StringBuilder all = new StringBuilder();
        StringBuilder checkedHere = new StringBuilder();
        for (String setting : settings) {
            all.append(all.length() == 0 ? "" : ",").append(setting);
            int equals = setting.indexOf('=');
            String key = equals < 0 ? "" : setting.substring(0, equals).trim();
            if (!CHECKED_BY_THE_TARGET.contains(key)) {
                checkedHere.append(checkedHere.length() == 0 ? "" : ",").append(setting);
            }
        }
        try {
            SettingsLoader.load(checkedHere.toString(), new Properties(), Collections.<String, String>emptyMap());
        } catch (InvalidSettingException e) {
            throw new CliException("bad setting: " + e.getMessage().replace("agent argument", "argument"));
        }
        return all.toString();
    }

    /** A process id as given on the command line, in its plain form ({@code 0042} gives {@code 42}). */
    static String pid(String argument) throws CliException {
        long pid;
        try {
            pid = Long.parseLong(argument.trim());
        } catch (NumberFormatException e) {
            throw new CliException("'" + argument + "' is not a process id: give the pid of a JVM, "
                    + "as 'java -jar selfconnect.jar list' shows them");
        }
        if (pid <= 0) {
            throw new CliException("'" + argument + "' is not a process id: pids are positive numbers");
        }
        return Long.toString(pid);
    }

    /** {@code a, b or c}. */
    static String oneOf(Collection<String> names) {
        StringBuilder text = new StringBuilder();
        for (Iterator<String> i = names.iterator(); i.hasNext(); ) {
            String name = i.next();
            text.append(text.length() == 0 ? "" : i.hasNext() ? ", " : " or ").append(name);
        }
        return text.toString();
    }
}
