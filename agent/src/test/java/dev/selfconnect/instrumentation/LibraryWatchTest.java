package dev.selfconnect.instrumentation;

import dev.selfconnect.hooks.ConnectionFamily;
import dev.selfconnect.hooks.HookModule;
import dev.selfconnect.hooks.HookPoint;
import dev.selfconnect.hooks.InternalAccess;
import dev.selfconnect.hooks.JdkHooks;
import dev.selfconnect.hooks.LibraryHooks;
import dev.selfconnect.hooks.LibrarySite;
import dev.selfconnect.hooks.ServerFamily;
import dev.selfconnect.reporting.AgentLog;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The library modules of an installation: started by a name that announces them, each on its own. */
class LibraryWatchTest {

    private final Protection protection = new Protection(JdkHooks.POINTS, 17);
    private final BiFunction<Object, Integer, IOException> connects = (connection, family) -> null;
    private final BridgeListeners listeners = new BridgeListeners(connects, (server, family) -> { }, null,
            (address, family) -> { });

    @Test
    void aNameStartsItsLibraryOnceAndHandsItTheNameAndTheListenersInForce() {
        Library alpha = new Library("alpha", false);
        Library beta = new Library("beta", false);
        LibraryWatch watch = new LibraryWatch(null, null, protection, new HookModule[] {JdkHooks.MODULE, alpha, beta},
                listeners);

        watch.accept(null, "libalpha_native123.so");
        watch.accept(String.class, "/tmp/libalpha_native123.so");

        assertEquals(1, alpha.starts);
        assertEquals(List.of("null libalpha_native123.so", "java.lang.String /tmp/libalpha_native123.so"), alpha.seen);
        assertEquals(0, beta.starts);
        assertSame(connects, alpha.site.connects());
        alpha.site.hooked("alpha transport (com.example)");
        assertTrue(protection.protectedFamilies().contains("alpha transport (com.example)"));

        watch.uninstall();
        assertEquals(1, alpha.uninstalls);
        assertNull(alpha.site.connects(), "after the uninstall, the library's checks reach no listener");
        watch.accept(null, "beta");
        assertEquals(0, beta.starts, "nothing starts after the uninstall");
    }

    @Test
    void aLibraryThatFailsToStartIsCountedAndRecordedAndTheOthersGoOn() {
        Library broken = new Library("broken", true);
        Library working = new Library("working", false);
        LibraryWatch watch = new LibraryWatch(null, null, protection, new HookModule[] {broken, working}, listeners);
        long failuresBefore = AgentLog.internalFailures();

        watch.startAll();

        assertEquals(failuresBefore + 1, AgentLog.internalFailures());
        assertEquals(1, working.starts);
        assertEquals(List.of("broken (its hooks failed to start: java.lang.IllegalStateException: no such library)"),
                protection.librariesNotProtected());
        assertTrue(protection.describe().contains("NOT protected: broken (its hooks failed to start"),
                protection.describe());
        watch.accept(null, "broken");
        assertEquals(1, broken.starts, "a library that failed is not started again");
    }

    @Test
    void aLibraryWhoseNamesCannotBeReadIsCountedAndRecordedAndTheOthersAreWatched() {
        Library nameless = new Library("nameless", false) {
            @Override
            public String[] announcingNames() {
                throw new IllegalStateException("no names");
            }
        };
        Library working = new Library("working", false);
        long failuresBefore = AgentLog.internalFailures();

        LibraryWatch watch = new LibraryWatch(null, null, protection, new HookModule[] {nameless, working},
                listeners);
        watch.accept(null, "/tmp/libworking123.so");

        assertEquals(failuresBefore + 1, AgentLog.internalFailures());
        assertEquals(List.of("nameless (its announcing names could not be read)"), protection.librariesNotProtected());
        assertEquals(1, working.starts);
        watch.startAll();
        assertEquals(0, nameless.starts, "a library whose names cannot be read is not started");
    }

    /** A library module that records what the watch does with it. */
    private static class Library implements HookModule, LibraryHooks {
        private final String name;
        private final boolean fails;
        int starts;
        int uninstalls;
        LibrarySite site;
        final List<String> seen = new ArrayList<>();

        Library(String name, boolean fails) {
            this.name = name;
            this.fails = fails;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int connectionFamiliesEnd() {
            return 0;
        }

        @Override
        public int serverFamiliesEnd() {
            return 0;
        }

        @Override
        public void makeConnection(int id, InternalAccess access, ConnectionFamily[] families) {
        }

        @Override
        public void makeServer(int id, ServerFamily[] families) {
        }

        @Override
        public List<HookPoint> points() {
            return List.of();
        }

        @Override
        public String[] announcingNames() {
            return new String[] {name};
        }

        @Override
        public LibraryHooks start(LibrarySite librarySite) {
            starts++;
            if (fails) {
                throw new IllegalStateException("no such library");
            }
            site = librarySite;
            return this;
        }

        @Override
        public void nameSeen(Object subject, String seenName) {
            seen.add((subject == null ? "null" : ((Class<?>) subject).getName()) + " " + seenName);
        }

        @Override
        public void uninstall() {
            uninstalls++;
        }
    }
}
