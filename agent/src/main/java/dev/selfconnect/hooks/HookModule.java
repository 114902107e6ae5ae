package dev.selfconnect.hooks;

import java.util.List;

/**
 * What the agent hooks, one module at a time: the JDK's connections and servers are one module ({@link JdkHooks}),
 * each library another. A module declares its API families, its hook points in the JDK's bootstrap classes, and, for
 * a library, the names that say the library is here and how its own hooks start. The installer installs every
 * module the same way; one that fails is reported and counted, and the others go on.
 * <p>
 * A module's class is loaded before the application's main method: it names its other classes only in code that
 * runs later (a family's class as the family is made, the library's hooks as they start).
 */
public interface HookModule {

    /** How the reports name the module: "JDK", "Netty". */
    String name();

    /**
     * The client family ids run from 0 to the largest of the modules' ends, exclusive; each module puts only its own
     * into the array (the JDK's come first, a library's follow).
     */
    int connectionFamiliesEnd();

    int serverFamiliesEnd();

    /** Puts the client family with this id into {@code families[id]} if the id is this module's; else nothing. */
    void makeConnection(int id, InternalAccess access, ConnectionFamily[] families);

    /** Puts the server family with this id into {@code families[id]} if the id is this module's; else nothing. */
    void makeServer(int id, ServerFamily[] families);

    /**
     * Its hook points in the JDK's bootstrap classes, woven with the JDK's (as the classes load, at startup): the
     * JDK's connects and binds, or a library's trigger ({@link HookKind#NAME_SEEN}).
     */
    List<HookPoint> points();

    /**
     * Parts of a name (a native library's path, a temporary file's prefix) that say this library is here, matched
     * as they are, case and all; none for the JDK. Such a name starts the library's hooks, on the thread that met it.
     */
    String[] announcingNames();

    /**
     * Starts the library's own hooks (where the library appears, in whatever class loader); null for a module
     * whose hook points are all in {@link #points()}. Called once per installation.
     */
    LibraryHooks start(LibrarySite site) throws Exception;
}
