package dev.selfconnect.testsupport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A child JVM of a test JDK, by default in a private network namespace with a one-port ephemeral range
 * ({@link NetworkNamespace}), run to its end by {@link ChildProcess}. A missing JDK or namespace skips (under CI
 * fails) the calling test.
 */
public final class JvmCommand {

    private final TestJdk jdk;
    private final List<String> options = new ArrayList<>();
    private final List<String> program = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private String portRange = NetworkNamespace.ONE_PORT;
    private String namespaceSetup = "";
    private boolean inNamespace = true;

    private JvmCommand(TestJdk jdk) {
        this.jdk = jdk;
    }

    public static JvmCommand on(TestJdk jdk) {
        jdk.require();
        return new JvmCommand(jdk);
    }

    /** {@code -javaagent:JAR[=ARGUMENTS]}; null arguments: none. */
    public JvmCommand agent(Path jar, String arguments) {
        return option("-javaagent:" + jar.toAbsolutePath() + (arguments == null || arguments.isEmpty() ? ""
                : "=" + arguments));
    }

    public JvmCommand option(String option) {
        options.add(option);
        return this;
    }

    public JvmCommand env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    public JvmCommand portRange(String range) {
        portRange = range;
        return this;
    }

    /** Extra shell commands run as root in the namespace before the JVM starts (interfaces, routes). */
    public JvmCommand namespaceSetup(String commands) {
        namespaceSetup = commands;
        return this;
    }

    /** Runs the JVM without a namespace of its own. */
    public JvmCommand withoutNamespace() {
        inNamespace = false;
        return this;
    }

    /** {@code -cp CLASSPATH MAIN ARGUMENTS...}. */
    public JvmCommand main(String classPath, String mainClass, List<String> arguments) {
        program.clear();
        program.addAll(List.of("-cp", classPath, mainClass));
        program.addAll(arguments);
        return this;
    }

    public List<String> command() {
        List<String> java = new ArrayList<>();
        java.add(jdk.java().toString());
        java.addAll(options);
        java.addAll(program);
        return inNamespace ? NetworkNamespace.command(portRange, namespaceSetup, java) : java;
    }

    public ProcessBuilder processBuilder() {
        ProcessBuilder builder = ChildProcess.builder(command());
        builder.environment().putAll(environment);
        return builder;
    }

    public JvmResult run() {
        return ChildProcess.run(processBuilder());
    }
}
