package dev.selfconnect.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame.OutputType;
import org.testcontainers.containers.output.ToStringConsumer;
import org.testcontainers.containers.output.WaitingConsumer;
import org.testcontainers.utility.DockerImageName;

import dev.selfconnect.it.container.Steps;

/**
 * One run of demo-app.jar in a fresh container: no network but its own loopback ({@code --network none}) and an
 * ephemeral port range of the single port {@link #PORT}, so a client connecting to it self-connects at once.
 */
final class DemoRun {

    static final int PORT = 40000;

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private final Jdk jdk;
    private String portRange = PORT + " " + PORT;
    private String agentArguments;
    private final List<String> jvmOptions = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final List<String> demoArguments = new ArrayList<>();
    private List<String> stepsArguments;

    private DemoRun(Jdk jdk) {
        this.jdk = jdk;
    }

    /** A run on this JDK; skips the test if the JDK is not there (see {@link Jdk#assumeAvailable()}). */
    static DemoRun on(Jdk jdk) {
        jdk.assumeAvailable();
        return new DemoRun(jdk);
    }

    /** The container's {@code net.ipv4.ip_local_port_range}, by default the single port {@link #PORT}. */
    DemoRun portRange(int first, int last) {
        portRange = first + " " + last;
        return this;
    }

    /** {@code -javaagent:selfconnect.jar} without arguments. */
    DemoRun withAgent() {
        agentArguments = "";
        return this;
    }

    /** {@code -javaagent:selfconnect.jar=<arguments>}. */
    DemoRun withAgent(String arguments) {
        agentArguments = arguments;
        return this;
    }

    DemoRun systemProperty(String name, String value) {
        jvmOptions.add("-D" + name + "=" + value);
        return this;
    }

    DemoRun env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    DemoRun demo(String... arguments) {
        demoArguments.addAll(List.of(arguments));
        return this;
    }

    /** Runs the demo under {@link Steps} in the same container, which then does more: see its commands. */
    DemoRun underSteps(String... arguments) {
        stepsArguments = List.of(arguments);
        return this;
    }

    RunResult run() {
        List<String> command = new ArrayList<>();
        if (stepsArguments != null) {
            command.addAll(List.of("java", "-cp", JdkImages.STEPS_CLASSPATH, Steps.class.getName()));
            command.addAll(stepsArguments);
            command.add("--");
        }
        command.add("java");
        if (agentArguments != null) {
            command.add("-javaagent:" + JdkImages.AGENT_JAR + (agentArguments.isEmpty() ? "" : "=" + agentArguments));
        }
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", JdkImages.DEMO_JAR));
        command.addAll(demoArguments);

        ToStringConsumer stdout = new ToStringConsumer();
        ToStringConsumer stderr = new ToStringConsumer();
        WaitingConsumer output = new WaitingConsumer();
        try (GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(JdkImages.testImage(jdk)))) {
            container.withNetworkMode("none")
                    .withCreateContainerCmdModifier(create -> create.getHostConfig()
                            .withSysctls(Map.of("net.ipv4.ip_local_port_range", portRange)))
                    .withEnv(environment)
                    .withCommand(command.toArray(String[]::new))
                    .withLogConsumer(output.andThen(frame -> (frame.getType() == OutputType.STDERR ? stderr : stdout)
                            .accept(frame)))
                    .withStartupCheckStrategy(new ExitedStartupCheckStrategy(TIMEOUT));
            container.start();
            output.waitUntilEnd(TIMEOUT.toSeconds(), TimeUnit.SECONDS); // all output, not only what the daemon has so far
            Long exitCode = container.getDockerClient().inspectContainerCmd(container.getContainerId()).exec()
                    .getState().getExitCodeLong();
            String shown = (environment.isEmpty() ? "" : environment + " ") + String.join(" ", command);
            return new RunResult(jdk + ": " + shown, exitCode.intValue(), stdout.toUtf8String(), stderr.toUtf8String());
        } catch (TimeoutException e) {
            throw new IllegalStateException("The container's output did not end within " + TIMEOUT, e);
        }
    }
}
