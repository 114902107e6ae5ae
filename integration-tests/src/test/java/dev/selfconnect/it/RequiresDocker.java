package dev.selfconnect.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Skips a test class, saying why, where no Docker daemon can be reached (a laptop without Docker). Under
 * {@code CI=true} a missing Docker fails the class instead: CI must never pass by skipping these tests.
 */
final class RequiresDocker implements ExecutionCondition {

    private static final String SOCKET = "/var/run/docker.sock";
    private static final AtomicBoolean told = new AtomicBoolean();

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (DockerClientFactory.instance().isDockerAvailable()) {
            return ConditionEvaluationResult.enabled("Docker is available");
        }
        String why = why();
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException(why + "; CI=true needs the container tests to run");
        }
        String reason = why + ": container tests skipped; start Docker to run them (.ci/run starts one)";
        if (!told.getAndSet(true)) {
            System.err.println("[integration-tests] " + reason);
        }
        return ConditionEvaluationResult.disabled(reason);
    }

    private static String why() {
        String host = System.getenv("DOCKER_HOST");
        if (host != null && !host.isEmpty()) {
            return "No Docker daemon answers at DOCKER_HOST=" + host;
        }
        if (Files.exists(Path.of(SOCKET))) {
            return "No Docker daemon answers on " + SOCKET;
        }
        return "No Docker daemon: no DOCKER_HOST and no " + SOCKET;
    }
}
