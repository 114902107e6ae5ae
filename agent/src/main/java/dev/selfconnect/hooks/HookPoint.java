package dev.selfconnect.hooks;

import java.util.ArrayList;
import java.util.List;

/** One method whose normal return the agent hooks, with what it means and where it fits. */
public final class HookPoint {

    /** A feature version above every real one: "no upper bound". */
    public static final int ANY_LATER = Integer.MAX_VALUE;
    /** The family of a hook point that belongs to none (the platform MBean server). */
    public static final int NO_FAMILY = -1;

    private final String owner;
    private final String method;
    private final String descriptor;
    private final HookKind kind;
    private final int family;
    private final String familyName;
    private final int sinceFeature;
    private final int untilFeature;
    private final boolean watchesRefusals;
    private final int nameLocal;

    public HookPoint(String owner, String method, String descriptor, HookKind kind, int family, String familyName,
                     int sinceFeature, int untilFeature) {
        this(owner, method, descriptor, kind, family, familyName, sinceFeature, untilFeature, false);
    }

    /**
     * @param watchesRefusals a connect point whose first parameter is the address asked for: a refused or timed-out
     *                        connect (the method's ConnectException or SocketTimeoutException) goes to the bridge too,
     *                        before it reaches the application unchanged
     */
    public HookPoint(String owner, String method, String descriptor, HookKind kind, int family, String familyName,
                     int sinceFeature, int untilFeature, boolean watchesRefusals) {
        this(owner, method, descriptor, kind, family, familyName, sinceFeature, untilFeature, watchesRefusals, -1);
    }

    private HookPoint(String owner, String method, String descriptor, HookKind kind, int family, String familyName,
                      int sinceFeature, int untilFeature, boolean watchesRefusals, int nameLocal) {
        this.nameLocal = nameLocal;
        this.watchesRefusals = watchesRefusals;
        this.owner = owner;
        this.method = method;
        this.descriptor = descriptor;
        this.kind = kind;
        this.family = family;
        this.familyName = familyName;
        this.sinceFeature = sinceFeature;
        this.untilFeature = untilFeature;
    }

    /**
     * A {@link HookKind#NAME_SEEN} point: the entry of a static method hands its parameter in local {@code nameLocal}
     * to the bridge.
     *
     * @param announces how the reports name what a missing point leaves late: "Netty's first connects"
     */
    public static HookPoint nameSeen(String owner, String method, String descriptor, int nameLocal, String announces,
                                     int sinceFeature) {
        return new HookPoint(owner, method, descriptor, HookKind.NAME_SEEN, NO_FAMILY, announces, sinceFeature,
                ANY_LATER, false, nameLocal);
    }

    /** The internal name of the class, "java/net/Socket". */
    public String owner() {
        return owner;
    }

    public String ownerClassName() {
        return owner.replace('/', '.');
    }

    public String method() {
        return method;
    }

    public String descriptor() {
        return descriptor;
    }

    public HookKind kind() {
        return kind;
    }

    /** The id of the API family the bridge passes on, or {@link #NO_FAMILY}. */
    public int family() {
        return family;
    }

    /** The family's name as the reports give it: "SocketChannel". */
    public String familyName() {
        return familyName;
    }

    /** Whether a JDK of this feature version (8, 11, 17, ...) is expected to have this method. */
    public boolean fits(int feature) {
        return feature >= sinceFeature && feature <= untilFeature;
    }

    public boolean watchesRefusals() {
        return watchesRefusals;
    }

    public boolean isStatic() {
        return kind == HookKind.PLATFORM_MBEAN_SERVER || kind == HookKind.NAME_SEEN;
    }

    /** The local that holds the name a {@link HookKind#NAME_SEEN} point hands over; -1 for other kinds. */
    public int nameLocal() {
        return nameLocal;
    }

    public boolean returnsBoolean() {
        return descriptor.endsWith(")Z");
    }

    /** The internal name of the object the method returns, or null when it returns a primitive or nothing. */
    public String returnedObjectType() {
        String returned = descriptor.substring(descriptor.indexOf(')') + 1);
        return returned.startsWith("L") ? returned.substring(1, returned.length() - 1) : null;
    }

    /** "SocketChannelImpl.finishConnect", for the protection report. */
    public String shortName() {
        return owner.substring(owner.lastIndexOf('/') + 1) + "." + method;
    }

    @Override
    public String toString() {
        return ownerClassName() + "." + method + descriptor;
    }

    /** The names of the classes that hold these points, each once, in the points' order. */
    public static List<String> ownerClassNames(List<HookPoint> points) {
        List<String> names = new ArrayList<String>();
        for (HookPoint point : points) {
            if (!names.contains(point.ownerClassName())) {
                names.add(point.ownerClassName());
            }
        }
        return names;
    }
}
