package dev.selfconnect.instrumentation;

import dev.selfconnect.reporting.AgentLog;
import dev.selfconnect.vocabulary.Notices;

import java.net.Socket;

/**
 * Notices, from the agent's own background thread, that another tool has removed a hook by redefining its class (a
 * debugger's HotSwap, Byte Buddy's {@code REDEFINITION} strategy): a redefinition replaces the class's bytes, the
 * agent's hook with them, and no transformer of the agent is registered to see it. A cheap probe asks the hooked
 * method; a hook found gone is said once ({@code WARN NOT protected: ...}), the protection is degraded, naming the
 * path, and the class is woven again by retransformation, which starts from the redefined bytes. The probe then asks
 * again: restored, or still degraded (then each later check tries again, quietly).
 */
public final class HookWatch {

    /** What the probe found. */
    public enum Outcome {
        /** The hook saw the probe. */
        HOOKED,
        /** The hooked method ran to the probe's refusal and the hook did not see it. */
        GONE,
        /** The probe did not get far enough to tell. */
        UNKNOWN
    }

    /** Calls the hooked method in a way that never reaches the network. */
    public interface Probe {
        Outcome probe();
    }

    /** Weaves the class again. */
    public interface Rehook {
        void rehook() throws Exception;
    }

    private final String className;
    private final String path;
    private final Probe probe;
    private final Rehook rehook;
    private final Protection protection;
    private final Notices notices;
    private boolean degraded;

    /**
     * @param className the hooked class, as "java.net.Socket"
     * @param path      the hooked method, as "java.net.Socket.connect"
     */
    public HookWatch(String className, String path, Probe probe, Rehook rehook, Protection protection,
                     Notices notices) {
        this.className = className;
        this.path = path;
        this.probe = probe;
        this.rehook = rehook;
        this.protection = protection;
        this.notices = notices;
    }

    /** The watch of java.net.Socket.connect for this installation, reporting to the agent's log. */
    public static HookWatch ofSocket(final ConnectInstrumentation installation) {
        return new HookWatch("java.net.Socket", "java.net.Socket.connect", new SocketProbe(), new Rehook() {
            @Override
            public void rehook() throws Exception {
                installation.rehook(Socket.class);
            }
        }, installation.protection(), AgentLog.NOTICES);
    }

    /** Probes once; a hook found gone is reported, and restored if it can be. Never throws. */
    public void check() {
        if (probe.probe() != Outcome.GONE) {
            return;
        }
        String why = "its hook was removed by a redefinition of " + className + " by another tool";
        if (!degraded) {
            degraded = true;
            protection.removed(className, why);
            notices.warn("NOT protected: " + path + ": " + why + "; weaving it again");
        }
        String failure;
        try {
            rehook.rehook();
            failure = probe.probe() == Outcome.HOOKED ? null : "the probe still finds no hook";
        } catch (Throwable e) {
            failure = e.toString();
        }
        if (failure == null) {
            degraded = false;
            protection.restored(className);
            notices.info("protection restored: " + path + " is hooked again (" + className + " woven again by"
                    + " retransformation)");
        } else if (protection.markRestoreFailed(className, why + "; weaving it again failed: " + failure)) {
            notices.warn("NOT protected: " + path + ": weaving it again failed (" + failure + "); connects through"
                    + " it are not checked; the agent tries again at each check");
        }
    }
}
