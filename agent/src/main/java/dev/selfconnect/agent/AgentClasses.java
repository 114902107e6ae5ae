package dev.selfconnect.agent;

import dev.selfconnect.reporting.AgentLog;

import java.io.File;
import java.net.URL;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads, without initializing them, the classes the agent may still need while the JVM runs, so that a jar replaced
 * or removed by a deploy cannot turn the next self-connection (or the weaving of a library met later) into a
 * NoClassDefFoundError. Run once, on the weaver thread, after the protection is verified (at startup a few seconds
 * later, once the JVM's start is past); {@code status} says until then that they are still loading.
 */
final class AgentClasses {

    private static final String OWN = "dev/selfconnect/";
    /** The attach tool and the host scan run in their own JVM; the module access is defined by the agent itself. */
    private static final String[] NOT_IN_THE_AGENT = {
        "dev/selfconnect/cli/", "dev/selfconnect/scan/", "dev/selfconnect/instrumentation/modular/",
        "dev/selfconnect/shaded/bytebuddy/agent/",
    };
    /** The scan's reading of the process's own sockets, which the agent's audit of existing sockets uses. */
    private static final String[] SCAN_CLASSES_IN_THE_AGENT = {
        "dev/selfconnect/scan/OwnSockets", "dev/selfconnect/scan/ProcFs", "dev/selfconnect/scan/TcpTable",
        "dev/selfconnect/scan/TcpSocket", "dev/selfconnect/scan/SocketInodes",
    };
    /** Loaded by name only where the JVM has JFR. */
    private static final String JFR = "dev/selfconnect/jfr/";

    private AgentClasses() {
    }

    /**
     * @return how many of the agent's classes could not be loaded: none unless the jar was changed under the JVM
     * (the first failure is reported; the caller says what it means for the protection)
     */
    static int loadAll() {
        ClassLoader loader = AgentClasses.class.getClassLoader();
        boolean jfr = hasJfr();
        int failed = 0;
        for (String name : names()) {
            if (!jfr && name.startsWith(JFR.replace('/', '.'))) {
                continue;
            }
            try {
                Class.forName(name, false, loader);
            } catch (Throwable failure) {
                if (failed++ == 0) {
                    AgentLog.internalFailure("loading the agent's classes ahead of need (" + name + ")", failure);
                }
            }
        }
        return failed;
    }

    private static boolean hasJfr() {
        try {
            Class.forName("jdk.jfr.FlightRecorder", false, null);
            return true;
        } catch (Throwable absent) {
            return false;
        }
    }

    private static List<String> names() {
        CodeSource source = AgentClasses.class.getProtectionDomain().getCodeSource();
        URL location = source == null ? null : source.getLocation();
        if (location == null || !"file".equals(location.getProtocol())) {
            return Collections.emptyList();
        }
        List<String> names = new ArrayList<String>();
        try (JarFile jar = new JarFile(new File(location.toURI()))) {
            for (JarEntry entry : Collections.list(jar.entries())) {
                String name = entry.getName();
                if (name.startsWith(OWN) && name.endsWith(".class") && !excluded(name)) {
                    names.add(name.substring(0, name.length() - ".class".length()).replace('/', '.'));
                }
            }
        } catch (Exception notAJar) {
            // run from a directory (the unit tests): nothing can be replaced under it
        }
        return names;
    }

    private static boolean excluded(String name) {
        for (String prefix : SCAN_CLASSES_IN_THE_AGENT) {
            if (name.startsWith(prefix + ".") || name.startsWith(prefix + "$")) {
                return false;
            }
        }
        for (String prefix : NOT_IN_THE_AGENT) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
