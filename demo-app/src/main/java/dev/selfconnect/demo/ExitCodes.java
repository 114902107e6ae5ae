package dev.selfconnect.demo;

/** Exit codes of the demo. Fixed team-wide: other modules' tests depend on them. */
final class ExitCodes {
    static final int SELF_CONNECTED = 0;
    static final int SERVER_RESTARTED = 0;
    static final int OK = 0;
    static final int UNEXPECTED_ERROR = 1;
    static final int USAGE_ERROR = 2;
    static final int NOT_REPRODUCED = 3;
    static final int REJECTED = 4;
    static final int CONNECTED = 5;
    static final int SERVER_RESTART_FAILED = 6;

    private ExitCodes() {
    }
}
