package dev.selfconnect.cli;

/**
 * A failure the user can act on: the tool prints its message on one line (plus an optional hint) and exits with
 * {@link Main#EXIT_ERROR}, without a stack trace unless {@code --debug} is given.
 */
final class CliException extends Exception {

    private static final long serialVersionUID = 1L;

    CliException(String message) {
        super(message);
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
