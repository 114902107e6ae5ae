package dev.selfconnect.agent;

import dev.selfconnect.state.AgentState;

import java.util.concurrent.locks.LockSupport;

/**
 * Keeps the agent's marker property current, so that {@code status} reads the counters through the attach API's
 * system properties instead of loading the agent again (which would print the JDK's dynamic-agent warning on JDK 21
 * and later, and cost the JVM some native memory each time). A daemon thread looks once a second, and at once when a
 * self-connection or risk finding is counted, and writes the marker only when the status changed. Every
 * {@code report-interval} seconds (at least one) it also checks that the hooks are still in place (another tool may
 * have redefined a hooked class). Nothing of this runs on the application's threads.
 */
final class StatusPublisher implements Runnable {

    private static final long TICK_NANOS = 1_000_000_000L;

    private final Object lock;
    private final Marker marker;
    private volatile Thread thread;
    private String published;
    private long lastHookCheck;

    /** Writes the marker for a state, and checks the hooks of the installation in force. */
    interface Marker {
        void mark(AgentState state);

        /** The status text of this state, as the marker shows it. */
        String describe(AgentState state);

        void checkHooks();
    }

    /** @param lock held while the marker is written or the hooks checked, by this thread and by the installer alike */
    StatusPublisher(Object lock, Marker marker) {
        this.lock = lock;
        this.marker = marker;
    }

    synchronized void start() {
        if (thread == null) {
            lastHookCheck = System.nanoTime();
            Thread publisher = new Thread(this, "selfconnect-status");
            publisher.setDaemon(true);
            thread = publisher;
            publisher.start();
        }
    }

    /** Something worth showing at once was counted: publish now rather than at the next tick. Never blocks. */
    void wake() {
        Thread publisher = thread;
        if (publisher != null) {
            LockSupport.unpark(publisher);
        }
    }

    @Override
    public void run() {
        while (true) {
            LockSupport.parkNanos(TICK_NANOS);
            try {
                checkHooksIfDue();
            } catch (Throwable failure) {
                // the check reports its own findings; the next one tries again
            }
            try {
                publishIfChanged();
            } catch (Throwable failure) {
                // the next tick tries again; the marker is only the status tool's view
            }
        }
    }

    private void checkHooksIfDue() {
        synchronized (lock) {
            AgentState state = AgentState.current();
            if (state == null || !state.active()) {
                return;
            }
            long now = System.nanoTime();
            if (now - lastHookCheck < Math.max(1, state.settings().reportInterval()) * TICK_NANOS) {
                return;
            }
            lastHookCheck = now;
            marker.checkHooks();
        }
    }

    private void publishIfChanged() {
        synchronized (lock) {
            AgentState state = AgentState.current();
            if (state == null) {
                return;
            }
            String text = marker.describe(state);
            if (!text.equals(published)) {
                marker.mark(state);
            }
        }
    }

    /** The installer wrote the marker itself: remember what it shows. */
    void published(String text) {
        published = text;
    }
}
