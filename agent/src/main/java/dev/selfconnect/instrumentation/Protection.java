package dev.selfconnect.instrumentation;

import dev.selfconnect.hooks.HookKind;
import dev.selfconnect.hooks.HookPoint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which hook points are in place on this JVM, as the weaving finds them: a point that fits this JDK but whose class
 * or method was not found, or whose weaving failed, leaves its API family unprotected, and the startup line,
 * {@code status} and the MBean say so.
 */
public final class Protection {

    private final List<HookPoint> expected;
    private final Map<HookPoint, String> problems = new LinkedHashMap<HookPoint, String>();
    private final List<HookPoint> hooked = new ArrayList<HookPoint>();
    private volatile boolean verified;
    private volatile boolean agentClassesLoaded;

    /** @param feature the running JDK's feature version: only the points that fit it are expected */
    public Protection(List<HookPoint> points, int feature) {
        this.expected = new ArrayList<HookPoint>();
        for (HookPoint point : points) {
            if (point.fits(feature)) {
                expected.add(point);
            }
        }
    }

    synchronized void hooked(List<HookPoint> points) {
        for (HookPoint point : points) {
            if (!hooked.contains(point)) {
                hooked.add(point);
            }
            problems.remove(point);
        }
    }

    synchronized void failed(List<HookPoint> points, Throwable failure) {
        for (HookPoint point : points) {
            if (!hooked.contains(point)) {
                problems.put(point, "weaving failed: " + failure);
            }
        }
    }

    synchronized void classAbsent(String className) {
        for (HookPoint point : expected) {
            if (point.ownerClassName().equals(className) && !hooked.contains(point)
                    && point.kind() != HookKind.PLATFORM_MBEAN_SERVER) {
                problems.put(point, "no class " + className);
            }
        }
    }

    /** Every expected class has been loaded (and so woven, if it could be): what is not hooked now is missing. */
    synchronized void verify() {
        for (HookPoint point : expected) {
            // the platform MBean server's class may load later (an attach leaves it to the application)
            if (point.kind() != HookKind.PLATFORM_MBEAN_SERVER && !hooked.contains(point)
                    && !problems.containsKey(point)) {
                problems.put(point, "method not found");
            }
        }
        verified = true;
    }

    public boolean verified() {
        return verified;
    }

    void markAgentClassesLoaded() {
        agentClassesLoaded = true;
    }

    /** True once the agent's own classes are all loaded: a jar replaced from then on cannot break the checks. */
    public boolean agentClassesLoaded() {
        return agentClassesLoaded;
    }

    /** The client API families whose every expected connect hook is in place. */
    public synchronized List<String> protectedFamilies() {
        List<String> families = new ArrayList<String>();
        for (HookPoint point : expected) {
            if (point.kind() == HookKind.CONNECT_COMPLETED && !families.contains(point.familyName())) {
                families.add(point.familyName());
            }
        }
        for (HookPoint point : problems.keySet()) {
            families.remove(point.familyName());
        }
        return families;
    }

    /** "SocketChannel (SocketChannelImpl.blockingConnect: method not found)", one per missing point; empty if none. */
    public synchronized List<String> missing() {
        List<String> missing = new ArrayList<String>();
        for (Map.Entry<HookPoint, String> problem : problems.entrySet()) {
            missing.add(problem.getKey().familyName() + " (" + problem.getKey().shortName() + ": "
                    + problem.getValue() + ")");
        }
        return missing;
    }

    /**
     * One line: "protects Socket, SocketChannel, AsynchronousSocketChannel", then "; NOT protected: ..." when a hook
     * point is missing, or "(hooks being verified ...)" before every target class is loaded.
     */
    public synchronized String describe() {
        StringBuilder line = new StringBuilder("protects ");
        List<String> families = protectedFamilies();
        line.append(families.isEmpty() ? "nothing" : join(families));
        List<String> missing = missing();
        if (!missing.isEmpty()) {
            line.append("; NOT protected: ").append(join(missing));
        } else if (!verified) {
            line.append(" (hooks being verified as the classes load)");
        }
        return line.toString();
    }

    private static String join(List<String> items) {
        StringBuilder text = new StringBuilder();
        for (String item : items) {
            text.append(text.length() == 0 ? "" : ", ").append(item);
        }
        return text.toString();
    }
}
