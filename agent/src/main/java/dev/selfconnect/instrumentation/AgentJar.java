package dev.selfconnect.instrumentation;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.security.CodeSource;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * Reads class files from the agent jar as bytes, for classes the agent defines itself (the bridge in the bootstrap
 * loader, the privileged class in its isolated loader); those classes must not be loaded from the jar before.
 */
final class AgentJar {

    private static final int BUFFER = 8192;

    private AgentJar() {
    }

    /**
     * The class file, read from the agent jar opened directly: the class loader's resource lookup would go through URL
     * handlers that the JVM has not loaded yet (some 3 ms on JDK 25). The loader is the fallback for an agent run from
     * a directory.
     */
    static byte[] classFile(String className) throws IOException {
        String resource = className.replace('.', '/') + ".class";
        File agentJar = location();
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
        try (InputStream in = AgentJar.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("the agent jar has no " + resource);
            }
            return readFully(in);
        }
    }

    /** The jar this class was loaded from, or null if it was not loaded from a local jar file. */
    private static File location() {
        CodeSource source = AgentJar.class.getProtectionDomain().getCodeSource();
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
        byte[] buffer = new byte[BUFFER];
        for (int n; (n = in.read(buffer)) > 0; ) {
            bytes.write(buffer, 0, n);
        }
        return bytes.toByteArray();
    }
}
