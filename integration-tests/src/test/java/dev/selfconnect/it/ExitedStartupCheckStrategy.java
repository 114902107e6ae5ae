package dev.selfconnect.it;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.DockerClientException;
import org.testcontainers.containers.startupcheck.StartupCheckStrategy;

/**
 * Like Testcontainers' one-shot strategy, but any exit code counts (the tests assert it themselves), and it waits
 * with Docker's wait call instead of polling the state once a second.
 */
final class ExitedStartupCheckStrategy extends StartupCheckStrategy {

    private final Duration timeout;

    ExitedStartupCheckStrategy(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public boolean waitUntilStartupSuccessful(DockerClient dockerClient, String containerId) {
        try (WaitContainerResultCallback exit = dockerClient.waitContainerCmd(containerId)
                .exec(new WaitContainerResultCallback())) {
            exit.awaitStatusCode(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (DockerClientException e) { // not exited in time
            return false;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public StartupStatus checkStartupState(DockerClient dockerClient, String containerId) {
        return Boolean.TRUE.equals(getCurrentState(dockerClient, containerId).getRunning())
                ? StartupStatus.NOT_YET_KNOWN
                : StartupStatus.SUCCESSFUL;
    }
}
