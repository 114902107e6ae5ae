package dev.selfconnect.demo;

import java.io.IOException;
import java.net.ConnectException;
import java.util.Optional;

/** A typical client retry loop: "Connection refused" means "not up yet, try again"; anything else stops it. */
final class RetryLoop {

    interface Attempt<T> {
        T connect() throws IOException;
    }

    /** How the loop ended: a connection, a rejection, or neither (gave up after maxAttempts). */
    record Result<T>(long attempts, T connection, ConnectException rejection, long nanos) {

        boolean gaveUp() {
            return connection == null && rejection == null;
        }

        String elapsed() {
            return String.format("elapsed=%.3fs", nanos / 1e9);
        }
    }

    private RetryLoop() {
    }

    /** Failures that are neither a plain refusal nor hold a ConnectException are thrown. */
    static <T> Result<T> run(Attempt<T> attempt, long maxAttempts) throws IOException {
        long start = System.nanoTime();
        for (long n = 1; n <= maxAttempts; n++) {
            try {
                T connection = attempt.connect();
                return new Result<>(n, connection, null, System.nanoTime() - start);
            } catch (IOException e) {
                if (ConnectFailures.isPlainRefusal(e)) {
                    continue;
                }
                Optional<ConnectException> rejection = ConnectFailures.rejection(e);
                if (rejection.isEmpty()) {
                    throw e;
                }
                return new Result<>(n, null, rejection.get(), System.nanoTime() - start);
            }
        }
        return new Result<>(maxAttempts, null, null, System.nanoTime() - start);
    }
}
