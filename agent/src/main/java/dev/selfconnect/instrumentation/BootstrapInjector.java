package dev.selfconnect.instrumentation;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
import java.net.URL;
import java.security.CodeSource;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;

/**
 * Defines the bridge class in the bootstrap class loader, where the instrumented JDK classes can see it. Its class
 * file is read from the agent jar as bytes; the class must not be loaded from the jar before this runs.
 */
final class BootstrapInjector {

    private BootstrapInjector() {
    }

    /**
     * @param javaBase the module system (JDK 9+), or null on JDK 8
     */
    static void inject(Instrumentation instrumentation, JavaBaseAccess javaBase, String className) throws Exception {
        byte[] classFile = readClassFile(className);
        if (javaBase != null) {
            javaBase.defineInJavaBase(classFile);
        } else {
            appendToBootstrapSearch(instrumentation, className, classFile);
        }
    }

    /** JDK 8: a one-class jar appended to the bootstrap search path. */
    private static void appendToBootstrapSearch(Instrumentation instrumentation, String className, byte[] classFile)
            throws IOException {
        File jar = File.createTempFile("selfconnect-bootstrap-", ".jar");
        jar.deleteOnExit();
        try (JarOutputStream out = new JarOutputStream(new FileOutputStream(jar))) {
            out.putNextEntry(new ZipEntry(className.replace('.', '/') + ".class"));
            out.write(classFile);
            out.closeEntry();
        }
        instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar));
    }

    /**
     * Reads the class file from the agent jar, opened directly: the class loader's resource lookup would go through
     * URL handlers that the JVM has not loaded yet (some 3 ms on JDK 25). The loader is the fallback for an agent run
     * from a directory.
     */
    private static byte[] readClassFile(String className) throws IOException {
        String resource = className.replace('.', '/') + ".class";
        File agentJar = agentJar();
        if (agentJar != null) {
            try (JarFile jar = new JarFile(agentJar)) {
                ZipEntry entry = jar.getEntry(resource);
                if (entry != null) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        return readFully(in);
                    }
                }
            }
        }
        try (InputStream in = BootstrapInjector.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("the agent jar has no " + resource);
            }
            return readFully(in);
        }
    }

    /** The jar this class was loaded from, or null if it was not loaded from a local jar file. */
    private static File agentJar() {
        CodeSource source = BootstrapInjector.class.getProtectionDomain().getCodeSource();
        URL location = source == null ? null : source.getLocation();
        if (location == null || !"file".equals(location.getProtocol())) {
            return null;
        }
        try {
            File file = new File(location.toURI());
            return file.isFile() ? file : null;
        } catch (URISyntaxException | IllegalArgumentException notAFile) {
            return null;
        }
    }

    private static byte[] readFully(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) > 0; ) {
            bytes.write(buffer, 0, n);
        }
        return bytes.toByteArray();
    }
}
