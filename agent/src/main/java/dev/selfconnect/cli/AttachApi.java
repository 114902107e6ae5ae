package dev.selfconnect.cli;

import net.bytebuddy.agent.ByteBuddyAgent;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The JDK's attach API ({@code com.sun.tools.attach.VirtualMachine}), reached by reflection: the agent's code is
 * compiled for Java 8, whose platform does not have it, and a runtime may lack it altogether (a JRE, a jlinked image
 * without {@code jdk.attach}). Byte Buddy's attachment providers find it wherever it is: the {@code jdk.attach} module
 * on Java 9+, {@code lib/tools.jar} on a Java 8 JDK, or the J9 equivalent.
 */
final class AttachApi {

    private final Class<?> virtualMachine;
    private final Class<?> descriptor;

    private AttachApi(Class<?> virtualMachine) throws ClassNotFoundException {
        this.virtualMachine = virtualMachine;
        this.descriptor = Class.forName(virtualMachine.getName() + "Descriptor", false,
                virtualMachine.getClassLoader());
    }

    /** The attach API of the running Java, or null when it has none. */
    static AttachApi find() {
        try {
            ByteBuddyAgent.AttachmentProvider.Accessor accessor = ByteBuddyAgent.AttachmentProvider.DEFAULT.attempt();
            return accessor.isAvailable() ? new AttachApi(accessor.getVirtualMachineType()) : null;
        } catch (Throwable e) {
            return null;
        }
    }

    /**
     * The attach API of the running Java, or a {@link CliException} that says which Java to run this tool with.
     *
     * @param process the JVM to attach to, whose own Java may have the API; null when there is none yet
     */
    static AttachApi require(TargetProcess process, Invocation invocation) throws CliException {
        AttachApi api = find();
        if (api != null) {
            return api;
        }
        String home = System.getProperty("java.home");
        String suggestion = "run this tool with the java of a full JDK (9 or later; or 8 with lib/tools.jar)";
        String targetHome = process == null ? null : process.javaHome();
        // The path is the target's: shown escaped.
        String shownHome = targetHome == null ? null : Untrusted.line(targetHome, Untrusted.CELL);
        if (targetHome != null && hasAttachModule(Paths.get(targetHome))) {
            suggestion = "run this tool with the target's own JDK: " + shownHome + "/bin/java -jar "
                    + invocation.agentJar() + " " + invocation.text();
        } else if (targetHome != null) {
            suggestion += ", e.g. the JDK the target JVM's runtime (" + shownHome + ") was made from";
        }
        throw new CliException("this Java runtime (" + home + ", Java " + System.getProperty("java.version")
                + ") has no attach API: it lacks the jdk.attach module, as a JRE or a jlinked runtime does; "
                + suggestion);
    }

    /** Whether a Java home has the attach API: its release file lists jdk.attach, or it has lib/tools.jar. */
    static boolean hasAttachModule(Path javaHome) {
        try {
            Path release = javaHome.resolve("release");
            // A JDK under a user's own directory: a FIFO there would hold this tool up.
            if (!Files.isRegularFile(release)) {
                throw new IOException("not a regular file: " + release);
            }
            for (String line : Files.readAllLines(release, StandardCharsets.UTF_8)) {
                if (line.startsWith("MODULES=")) {
                    return (" " + line.substring("MODULES=".length()).replace("\"", "") + " ").contains(" jdk.attach ");
                }
            }
        } catch (IOException | RuntimeException e) {
            // no release file: look for a Java 8 JDK's tools.jar
        }
        return Files.isRegularFile(javaHome.resolve("lib/tools.jar"))
                || Files.isRegularFile(javaHome.resolve("../lib/tools.jar"));
    }

    /** Whether the attach API lists this pid among the JVMs it could attach to; false if it cannot list them. */
    boolean lists(String pid) {
        try {
            for (String[] jvm : list()) {
                if (jvm[0].equals(pid)) {
                    return true;
                }
            }
        } catch (Exception e) {
            // not listed
        }
        return false;
    }

    /** The JVMs this user could attach to, as the attach API lists them: (pid, main class and arguments). */
    List<String[]> list() throws Exception {
        List<?> descriptors = (List<?>) invoke(virtualMachine.getMethod("list"), null);
        Method id = descriptor.getMethod("id");
        Method displayName = descriptor.getMethod("displayName");
        List<String[]> jvms = new ArrayList<String[]>();
        for (Object d : descriptors) {
            jvms.add(new String[] {(String) invoke(id, d), (String) invoke(displayName, d)});
        }
        return jvms;
    }

    Session attach(String pid) throws Exception {
        return new Session(invoke(virtualMachine.getMethod("attach", String.class), null, pid));
    }

    /** One connection to a JVM; closing it detaches. */
    final class Session implements AutoCloseable {

        private final Object vm;

        private Session(Object vm) {
            this.vm = vm;
        }

        Properties systemProperties() throws Exception {
            return (Properties) invoke(virtualMachine.getMethod("getSystemProperties"), vm);
        }

        Properties agentProperties() throws Exception {
            return (Properties) invoke(virtualMachine.getMethod("getAgentProperties"), vm);
        }

        /** Loads the agent jar, which runs its {@code agentmain} and returns when that returns. */
        void loadAgent(String jar, String arguments) throws Exception {
            invoke(virtualMachine.getMethod("loadAgent", String.class, String.class), vm, jar, arguments);
        }

        @Override
        public void close() {
            try {
                invoke(virtualMachine.getMethod("detach"), vm);
            } catch (Exception ignored) {
                // the JVM has gone: nothing to detach from
            }
        }
    }

    /** Invokes and rethrows what the attach API threw, not the reflective wrapper. */
    private static Object invoke(Method method, Object target, Object... arguments) throws Exception {
        try {
            return method.invoke(target, arguments);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception) {
                throw (Exception) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw e;
        }
    }
}
