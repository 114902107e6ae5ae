package dev.selfconnect.detection;

import dev.selfconnect.reporting.ReportQueue;

/**
 * Marks the thread while the agent reports: a connect or bind made by the reporting itself (a log handler that ships
 * records over TCP), on the connecting thread or on the agent's reporting thread, is let through unreported, so that
 * reporting can never recurse.
 */
final class Reentrancy {

    private final ThreadLocal<Boolean> reporting = new ThreadLocal<Boolean>();

    boolean enter() {
        if (reporting.get() != null || ReportQueue.onWriterThread()) {
            return false;
        }
        reporting.set(Boolean.TRUE);
        return true;
    }

    void exit() {
        reporting.remove();
    }
}
