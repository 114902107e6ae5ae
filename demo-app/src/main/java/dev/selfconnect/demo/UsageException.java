package dev.selfconnect.demo;

/** Bad input on the command line: the demo prints the message and the usage, and exits 2. */
final class UsageException extends Exception {
    UsageException(String message) {
        super(message);
    }
}
