package dev.selfconnect.detection;

/**
 * Marks the thread while the agent reports: a connect or bind made by the reporting itself (a log handler that ships
 * records over TCP) is let through unreported, so that reporting can never recurse.
 */
final class Reentrancy {

    private final ThreadLocal<Boolean> reporting = new ThreadLocal<Boolean>();

    boolean enter() {
        if (reporting.get() != null) {
            return false;
        }
        reporting.set(Boolean.TRUE);
        return true;
    }

    void exit() {
        reporting.remove();
    }
}
