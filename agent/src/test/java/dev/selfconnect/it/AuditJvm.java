package dev.selfconnect.it;

import dev.selfconnect.it.ChildJvm.Jdk;
import dev.selfconnect.it.ChildJvm.Result;
import dev.selfconnect.testsupport.NetworkNamespace;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;


/**
 * Runs {@code dev.selfconnect.scenarios.AuditScenarios} in a fresh JVM with the real selfconnect.jar, inside a private
 * network namespace ({@code unshare -rn}) whose ephemeral range is 40000-40999 and whose reserved ports are 40001:
 * the audit reads both from the namespace's own /proc/sys/net/ipv4.
 */
final class AuditJvm {

    static final String RANGE = "40000 40999";
    static final String RESERVED = "40001";
    private static final Path TEST_CLASSES = Paths.get("target/test-classes").toAbsolutePath();

    private final Jdk jdk;
    private final List<String> jvmOptions = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();

    private AuditJvm(Jdk jdk) {
        this.jdk = jdk;
    }

    static AuditJvm on(Jdk jdk) {
        ChildJvm.on(jdk); // skips (or fails under CI) where 'unshare -rn' does not work
        return new AuditJvm(jdk);
    }

    AuditJvm agent(String arguments) {
        jvmOptions.add("-javaagent:" + ChildJvm.AGENT_JAR.toAbsolutePath()
                + (arguments == null ? "" : "=" + arguments));
        return this;
    }

    AuditJvm jvmOption(String option) {
        jvmOptions.add(option);
        return this;
    }

    AuditJvm env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    Result run(String... arguments) {
        List<String> program = new ArrayList<>(List.of(jdk.java().toString()));
        program.addAll(jvmOptions);
        program.addAll(List.of("-cp", TEST_CLASSES.toString(), "dev.selfconnect.scenarios.AuditScenarios"));
        program.addAll(Arrays.asList(arguments));
        ProcessBuilder builder = new ProcessBuilder(NetworkNamespace.command(RANGE,
                "echo " + RESERVED + " > /proc/sys/net/ipv4/ip_local_reserved_ports", program));
        builder.environment().keySet().removeIf(name -> name.startsWith("SELFCONNECT_"));
        builder.environment().putAll(environment);
        return ChildJvm.run(builder);
    }

    static String mbean(Result result, String attribute) {
        String prefix = "RESULT mbean " + attribute + "=";
        return result.results().stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()))
                .findFirst().orElse(null);
    }
}
