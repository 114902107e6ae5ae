package dev.selfconnect.scan;

import dev.selfconnect.identity.ContainerIds;
import dev.selfconnect.identity.IdentityResolver;
import dev.selfconnect.identity.UntrustedText;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who holds a finding's socket, by the rules the agent applies to itself ({@link IdentityResolver}), read from the
 * owner's {@code /proc/PID} files without attaching to it: the container from its cgroup or mounts, the Kubernetes pod
 * from its environment (or the pod's uid from its cgroup), and, for a JVM with the agent, the service name from its
 * command line and environment. Every value is the owner's text, untrusted: bounded, stripped of control characters,
 * and escaped again by each output.
 */
final class OwnerIdentity {

    /** The most of a process's environment read: more is no Downward API variable worth the memory. */
    static final int MAX_ENVIRONMENT_BYTES = 256 * 1024;
    /** The limit on the other files read here (cgroup, mountinfo, cmdline). */
    static final int MAX_FILE_BYTES = 1 << 20;
    private static final String SERVICE_SETTING = "service";
    private static final String SETTING_PROPERTY = "-Dselfconnect." + SERVICE_SETTING + "=";
    private static final String SETTING_VARIABLE = "SELFCONNECT_SERVICE";
    private static final String[] OPTIONS_VARIABLES = {"JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS"};
    /** The java launcher's options that take the next argument as their value. */
    private static final Set<String> OPTIONS_WITH_VALUE = new HashSet<String>(Arrays.asList("-cp", "-classpath",
            "--class-path", "-p", "--module-path", "--upgrade-module-path", "--add-modules", "--add-opens",
            "--add-exports", "--add-reads", "--patch-module", "--limit-modules", "--enable-native-access"));

    String containerId;
    String podName;
    String podNamespace;
    /** The pod's uid where only its cgroup names the pod. */
    String podUid;
    /** Only for a JVM with the agent; null otherwise. */
    String service;

    static OwnerIdentity of(ProcFs proc, String pid, boolean jvmWithAgent) {
        OwnerIdentity identity = new OwnerIdentity();
        Owner owner = new Owner(proc, pid);
        String cgroup = owner.file("cgroup");
        identity.containerId = ContainerIds.find(cgroup, owner.file("mountinfo"));
        identity.podUid = ContainerIds.podUid(cgroup);
        identity.podName = IdentityResolver.podName(owner);
        identity.podNamespace = IdentityResolver.namespaceName(owner);
        if (jvmWithAgent) {
            identity.service = IdentityResolver.service(owner.configuredService(), owner)[0];
        }
        return identity;
    }

    /** Another process, read through its /proc files; what cannot be read is null. */
    static final class Owner implements IdentityResolver.Sources {
        private final ProcFs proc;
        private final String pid;
        private Map<String, String> environment;
        private List<String> arguments;

        Owner(ProcFs proc, String pid) {
            this.proc = proc;
            this.pid = pid;
        }

        @Override
        public String environment(String name) {
            if (environment == null) {
                environment = parseEnvironment(read("environ", MAX_ENVIRONMENT_BYTES));
            }
            return environment.get(name);
        }

        @Override
        public String property(String name) {
            String prefix = "-D" + name + "=";
            String value = null;
            for (String argument : options()) {
                if (argument.startsWith(prefix)) {
                    value = argument.substring(prefix.length()); // the last one wins, as in the JVM
                }
            }
            return value;
        }

        @Override
        public String command() {
            return mainOf(arguments());
        }

        /**
         * A file of the process ("cgroup", "mountinfo"); the namespace file of the service account is read inside the
         * process's own root, never through a path it could plant on the host.
         */
        @Override
        public String file(String name) {
            if (name.startsWith("/")) {
                return null; // the service account file would be read through /proc/PID/root: left to the variables
            }
            return read(name, MAX_FILE_BYTES);
        }

        /** The service setting as the agent would read it: agent argument, system property, variable. */
        String configuredService() {
            String fromArgument = null;
            String fromProperty = null;
            for (String argument : options()) {
                if (argument.startsWith("-javaagent:") && argument.contains("selfconnect")) {
                    int equals = argument.indexOf('=');
                    if (equals > 0) {
                        for (String setting : argument.substring(equals + 1).split(",")) {
                            if (setting.trim().startsWith(SERVICE_SETTING + "=")) {
                                fromArgument = setting.trim().substring(SERVICE_SETTING.length() + 1);
                            }
                        }
                    }
                } else if (argument.startsWith(SETTING_PROPERTY)) {
                    fromProperty = argument.substring(SETTING_PROPERTY.length());
                }
            }
            String chosen = fromArgument != null ? fromArgument : fromProperty != null ? fromProperty
                    : environment(SETTING_VARIABLE);
            return UntrustedText.bounded(chosen);
        }

        /** The options the JVM reads: its command line's, then those the launcher takes from the environment. */
        private List<String> options() {
            List<String> options = new ArrayList<String>();
            for (String variable : OPTIONS_VARIABLES) {
                String value = environment(variable);
                if (value != null) {
                    options.addAll(Arrays.asList(value.trim().split("\\s+")));
                }
            }
            List<String> command = arguments();
            for (int i = 1; i < command.size(); i++) {
                String argument = command.get(i);
                if (!argument.startsWith("-") || argument.equals("-jar")) {
                    break;
                }
                options.add(argument);
            }
            return options;
        }

        private List<String> arguments() {
            if (arguments == null) {
                String line = read("cmdline", MAX_FILE_BYTES);
                arguments = line == null ? new ArrayList<String>() : new ArrayList<String>(Arrays.asList(
                        line.split("\u0000")));
            }
            return arguments;
        }

        private String read(String file, int limit) {
            try {
                String text = ProcFs.readText(proc.path(pid, file));
                return text.length() > limit ? text.substring(0, limit) : text;
            } catch (IOException | RuntimeException unreadable) {
                return null;
            }
        }
    }

    /** "java -Xmx1g -cp lib/* com.example.Main x" -> "com.example.Main x"; "... -jar app.jar x" -> "app.jar x". */
    static String mainOf(List<String> command) {
        for (int i = 1; i < command.size(); i++) {
            String argument = command.get(i);
            if (argument.equals("-jar")) {
                return i + 1 < command.size() ? command.get(i + 1) : null;
            }
            if (OPTIONS_WITH_VALUE.contains(argument)) {
                i++;
            } else if (!argument.startsWith("-")) {
                return argument;
            }
        }
        return null;
    }

    static Map<String, String> parseEnvironment(String environ) {
        Map<String, String> variables = new HashMap<String, String>();
        if (environ == null) {
            return variables;
        }
        for (String entry : environ.split("\u0000")) {
            int equals = entry.indexOf('=');
            if (equals > 0) {
                variables.put(entry.substring(0, equals), entry.substring(equals + 1));
            }
        }
        return variables;
    }


    /** "shop/orders-7d9f-x2v", "pod 2c48...-..." (its uid only), or null. */
    String pod() {
        if (podName != null) {
            return podNamespace == null ? podName : podNamespace + "/" + podName;
        }
        return podUid == null ? null : "uid " + podUid;
    }
}
