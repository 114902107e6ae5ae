package dev.selfconnect.instrumentation;

import dev.selfconnect.hooks.HookModule;
import dev.selfconnect.hooks.LibraryHooks;
import dev.selfconnect.hooks.LibrarySite;
import dev.selfconnect.reporting.AgentLog;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * The library modules of one installation: the bridge tells it of a name that announces one
 * ({@link HookModule#announcingNames()}), and it starts that library's hooks then, on the thread that met the name,
 * or, at the latest, when the installation starts them all (on an attach at once, at startup on the weaver thread).
 * A library whose hooks fail to start is reported, counted and recorded in the protection; the others go on.
 */
final class LibraryWatch implements BiConsumer<Object, Object> {

    private final Instrumentation instrumentation;
    private final JavaBaseAccess javaBase;
    private final Protection protection;
    private final HookModule[] libraries;
    /** Each library's announcing names, read once. */
    private final String[][] announcingNames;
    private final boolean[] tried;
    /** Made by the first start: its element class, like the other classes of a started library, loads after main. */
    private LibraryHooks[] started;
    /** The listeners in force, which the libraries' hooks go to through their {@link LibrarySite}. */
    private volatile BridgeListeners listeners;
    private boolean cancelled;

    /** Only the modules that announce themselves by a name are libraries here. */
    LibraryWatch(Instrumentation instrumentation, JavaBaseAccess javaBase, Protection protection,
                 HookModule[] modules, BridgeListeners listeners) {
        this.instrumentation = instrumentation;
        this.javaBase = javaBase;
        this.protection = protection;
        this.listeners = listeners;
        String[][] names = new String[modules.length][];
        int count = 0;
        for (int i = 0; i < modules.length; i++) {
            names[i] = namesOf(modules[i]);
            count += names[i].length > 0 ? 1 : 0;
        }
        libraries = new HookModule[count];
        announcingNames = new String[count][];
        count = 0;
        for (int i = 0; i < modules.length; i++) {
            if (names[i].length > 0) {
                announcingNames[count] = names[i];
                libraries[count++] = modules[i];
            }
        }
        tried = new boolean[count];
    }

    /** The module's announcing names; none if it fails to give them (reported and counted). */
    private String[] namesOf(HookModule module) {
        try {
            String[] names = module.announcingNames();
            return names == null ? new String[0] : names.clone();
        } catch (Throwable failure) {
            AgentLog.internalFailure("reading the names of " + module.name() + " (its connects are not checked)",
                    failure);
            protection.libraryNotHooked(module.name(), "its announcing names could not be read");
            return new String[0];
        }
    }

    /** Hands the bridge every library's names, and this as their listener. */
    void watchNames() {
        int count = 0;
        for (String[] names : announcingNames) {
            count += names.length;
        }
        String[] names = new String[count];
        count = 0;
        for (String[] libraryNames : announcingNames) {
            for (String name : libraryNames) {
                names[count++] = name;
            }
        }
        if (count > 0) {
            javaBase.watchNames(names, this);
        }
    }

    /**
     * True when the class path or module path names one of the libraries (an artifact's name says what it holds,
     * relocated copies included): the application may use it from its first steps, so there is no reason to wait.
     */
    boolean namedOnClassPath() {
        for (String property : new String[] {"java.class.path", "jdk.module.path"}) {
            String path = System.getProperty(property);
            if (path == null) {
                continue;
            }
            String lowerCase = path.toLowerCase(Locale.ROOT);
            for (String[] names : announcingNames) {
                for (String name : names) {
                    if (lowerCase.contains(name.toLowerCase(Locale.ROOT))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Starts every library's hooks not started yet. Never throws. */
    void startAll() {
        for (int i = 0; i < libraries.length; i++) {
            start(i);
        }
    }

    /** From the bridge: a name that contains one of the libraries' names. */
    @Override
    public void accept(Object subject, Object name) {
        if (!(name instanceof String)) {
            return;
        }
        for (int i = 0; i < libraries.length; i++) {
            for (String part : announcingNames[i]) {
                if (((String) name).indexOf(part) < 0) {
                    continue;
                }
                LibraryHooks hooks = start(i);
                if (hooks != null) {
                    try {
                        hooks.nameSeen(subject, (String) name);
                    } catch (Throwable failure) {
                        AgentLog.internalFailure("hooking " + libraries[i].name(), failure);
                    }
                }
                break;
            }
        }
    }

    /**
     * The library's hooks, started now if they were not; null if cancelled or they failed to start. Never throws: a
     * failure (a class of the agent unreadable, the library's own) is reported, counted and recorded.
     */
    private synchronized LibraryHooks start(int index) {
        if (cancelled || tried[index]) {
            return started == null ? null : started[index];
        }
        tried[index] = true;
        String name = libraries[index].name();
        try {
            if (started == null) {
                started = new LibraryHooks[libraries.length];
            }
            started[index] = Site.start(this, libraries[index]);
            return started[index];
        } catch (Throwable failure) {
            AgentLog.internalFailure("starting the hooks of " + name + " (its connects are not checked)", failure);
            protection.libraryNotHooked(name, "its hooks failed to start: " + failure);
            return null;
        }
    }

    void replaceListeners(BridgeListeners replacement) {
        listeners = replacement;
    }

    /** Nothing starts from now on; what started is undone. */
    synchronized void uninstall() {
        cancelled = true;
        listeners = null;
        for (int i = 0; started != null && i < started.length; i++) {
            LibraryHooks hooks = started[i];
            started[i] = null;
            if (hooks == null) {
                continue;
            }
            try {
                hooks.uninstall();
            } catch (Throwable failure) {
                AgentLog.internalFailure("removing the hooks of " + libraries[i].name(), failure);
            }
        }
    }

    /** One library's view of the installation; its class loads with the first library that starts. */
    private static final class Site implements LibrarySite {
        private final LibraryWatch watch;
        private final String library;

        private Site(LibraryWatch watch, String library) {
            this.watch = watch;
            this.library = library;
        }

        static LibraryHooks start(LibraryWatch watch, HookModule library) throws Exception {
            return library.start(new Site(watch, library.name()));
        }

        @Override
        public Instrumentation instrumentation() {
            return watch.instrumentation;
        }

        @Override
        public BiFunction<Object, Integer, IOException> connects() {
            BridgeListeners current = watch.listeners;
            return current == null ? null : current.connects;
        }

        @Override
        public BiConsumer<Object, Integer> binds() {
            BridgeListeners current = watch.listeners;
            return current == null ? null : current.binds;
        }

        @Override
        public void hooked(String family) {
            watch.protection.libraryHooked(family);
        }

        @Override
        public void notHooked(String family, String why) {
            watch.protection.libraryNotHooked(family, why);
        }

        @Override
        public String toString() {
            return library;
        }
    }
}
