package dev.selfconnect.instrumentation;

import dev.selfconnect.hooks.HookKind;
import dev.selfconnect.hooks.HookPoint;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which hook points are in place on this JVM, as the weaving finds them: a point that fits this JDK but whose class
 * or method was not found, or whose weaving failed, leaves its API family unprotected, and the startup line,
 * {@code status} and the MBean say so. A library's families join as the library appears, one entry per copy
 * ("Netty epoll (io.grpc.netty.shaded)"), protected or not, with the reason.
 */
public final class Protection {

    private final List<HookPoint> expected;
    private final Map<HookPoint, String> problems = new LinkedHashMap<HookPoint, String>();
    private final List<HookPoint> hooked = new ArrayList<HookPoint>();
    /** Hooks another tool removed by redefining their class, until they are woven again. */
    private final Map<HookPoint, String> removed = new LinkedHashMap<HookPoint, String>();
    /** Library families hooked in one copy each, in the order they appeared. */
    private final List<String> libraryFamilies = new ArrayList<String>();
    /** Library families (or whole library modules) that could not be hooked, with the reason. */
    private final Map<String, String> libraryProblems = new LinkedHashMap<String, String>();
    private int removals;
    private int restorations;
    private volatile boolean verified;
    private volatile boolean agentClassesLoaded;
    /** Why the checks can no longer be trusted: the agent jar was written into before its classes were all loaded. */
    private volatile String agentJarChanged;

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

    /** A library's family is hooked in one copy: "Netty epoll (io.grpc.netty.shaded)". */
    synchronized void libraryHooked(String family) {
        if (!libraryFamilies.contains(family)) {
            libraryFamilies.add(family);
        }
        libraryProblems.remove(family);
    }

    /** A library's family, or a whole library module ("Netty"), is not hooked, for this reason. */
    synchronized void libraryNotHooked(String family, String why) {
        if (!libraryFamilies.contains(family)) {
            libraryProblems.put(family, why);
        }
    }

    /** "Netty epoll (io.grpc.netty.shaded) (why)", one per library family not hooked; empty if none. */
    public synchronized List<String> librariesNotProtected() {
        List<String> missing = new ArrayList<String>();
        for (Map.Entry<String, String> problem : libraryProblems.entrySet()) {
            missing.add(problem.getKey() + " (" + problem.getValue() + ")");
        }
        return missing;
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

    /** The hooks of this class are gone: another tool redefined it. */
    synchronized void removed(String className, String why) {
        for (HookPoint point : expected) {
            if (point.ownerClassName().equals(className) && point.kind() != HookKind.PLATFORM_MBEAN_SERVER) {
                removed.put(point, why);
            }
        }
        removals++;
    }

    /**
     * Weaving this class again failed: the reason joins the missing points'.
     *
     * @return true if that changed what the protection says
     */
    synchronized boolean markRestoreFailed(String className, String why) {
        boolean changed = false;
        for (Map.Entry<HookPoint, String> entry : removed.entrySet()) {
            if (entry.getKey().ownerClassName().equals(className) && !why.equals(entry.getValue())) {
                entry.setValue(why);
                changed = true;
            }
        }
        return changed;
    }

    /** The hooks of this class are in place again. */
    synchronized void restored(String className) {
        boolean any = false;
        for (Iterator<HookPoint> points = removed.keySet().iterator(); points.hasNext(); ) {
            if (points.next().ownerClassName().equals(className)) {
                points.remove();
                any = true;
            }
        }
        if (any) {
            restorations++;
        }
    }

    /** "hooks removed by another tool's redefinition: 1, restored: 1", or null if that never happened. */
    public synchronized String redefinitions() {
        return removals == 0 ? null : "hooks removed by another tool's redefinition: " + removals + ", restored: "
                + restorations;
    }

    public boolean verified() {
        return verified;
    }

    /** Done loading the agent's classes: all of them, unless the jar was written into before. */
    void markAgentClassesLoaded() {
        if (agentJarProblem() == null) {
            agentClassesLoaded = true;
        }
    }

    /** True once the agent's own classes are all loaded: a jar replaced from then on cannot break the checks. */
    public boolean agentClassesLoaded() {
        return agentClassesLoaded;
    }

    /**
     * Some of the agent's classes could not be loaded ({@code classesNotLoaded} of them): the jar was changed, whether
     * or not its size and time say so.
     */
    public void agentClassesUnreadable(int classesNotLoaded) {
        if (agentJarProblem() == null) {
            agentJarChanged = classesNotLoaded + " of the agent's classes could not be read from its jar";
        }
    }

    /**
     * Why the agent may no longer check anything: its jar was written into while the JVM runs, before every class of
     * the agent was loaded, so a connect that needs one not loaded yet goes unchecked (on JDK 8 the JVM may even
     * crash reading it). Null while the jar is as premain read it, and for good once the agent's classes are loaded.
     */
    public String agentJarProblem() {
        String problem = agentJarChanged;
        if (problem == null && !agentClassesLoaded) {
            problem = AgentJar.changedSinceStart();
            if (problem != null) {
                agentJarChanged = problem;
            }
        }
        return problem;
    }

    /** What to do about {@link #agentJarProblem()}. */
    public static final String AGENT_JAR_FIX = "restart the JVM; upgrade the jar by renaming a new file over it"
            + " (mv), never by writing into it (cp), see docs/install.md";

    /** The client API families whose every expected connect hook is in place, then the libraries' hooked ones. */
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
        for (HookPoint point : removed.keySet()) {
            families.remove(point.familyName());
        }
        families.addAll(libraryFamilies);
        if (agentJarProblem() != null) {
            families.clear();
        }
        return families;
    }

    /** "SocketChannel (SocketChannelImpl.blockingConnect: method not found)", one per missing point; empty if none. */
    public synchronized List<String> missing() {
        List<String> missing = new ArrayList<String>();
        String agentJar = agentJarProblem();
        if (agentJar != null) {
            missing.add("every family (" + agentJar + "; " + AGENT_JAR_FIX + ")");
        }
        for (Map.Entry<HookPoint, String> problem : problems.entrySet()) {
            missing.add(problem.getKey().familyName() + " (" + problem.getKey().shortName() + ": "
                    + problem.getValue() + ")");
        }
        for (Map.Entry<HookPoint, String> gone : removed.entrySet()) {
            if (!problems.containsKey(gone.getKey())) {
                missing.add(gone.getKey().familyName() + " (" + gone.getKey().shortName() + ": " + gone.getValue()
                        + ")");
            }
        }
        missing.addAll(librariesNotProtected());
        return missing;
    }

    /**
     * One line: "protects Socket, SocketChannel, AsynchronousSocketChannel", then "; NOT protected: ..." when a hook
     * point is missing, or "(hooks being verified ...)" before every target class is loaded; then how many hooks other tools
     * removed by a redefinition and how many the agent restored, if any were.
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
        String redefinitions = redefinitions();
        if (redefinitions != null) {
            line.append("; ").append(redefinitions);
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
