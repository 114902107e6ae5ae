package dev.selfconnect.instrumentation;

import sun.nio.ch.SelfConnectBridge;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.AccessibleObject;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;

/**
 * {@link JavaBaseAccess} on JDK 8, which has no modules: the bridge goes into a one-class jar appended to the
 * bootstrap search path, and is called directly. The references to the bridge resolve only when first called, after
 * it is defined there; resolved before, they would load the agent jar's own copy, which no JDK class calls.
 */
final class LegacyJavaBase extends JavaBaseAccess {

    /** Typed as the base class, so that the caller's verification does not load this class on JDK 9 and later. */
    static JavaBaseAccess create() {
        return new LegacyJavaBase();
    }

    @Override
    protected void open(Instrumentation instrumentation) {
    }

    @Override
    protected void defineBridge(Instrumentation instrumentation, byte[] classFile) throws IOException {
        File jar = File.createTempFile("selfconnect-bootstrap-", ".jar");
        jar.deleteOnExit();
        try (JarOutputStream out = new JarOutputStream(new FileOutputStream(jar))) {
            out.putNextEntry(new ZipEntry(BRIDGE.replace('.', '/') + ".class"));
            out.write(classFile);
            out.closeEntry();
        }
        instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar));
    }

    @Override
    protected void installBridge(BiFunction<Object, Integer, IOException> connects,
                                 BiConsumer<Object, Integer> binds, Consumer<Object> platform,
                                 BiConsumer<Object, Integer> refusals) {
        SelfConnectBridge.install(connects, binds, platform, refusals);
    }

    @Override
    protected void uninstallBridge() {
        SelfConnectBridge.uninstall();
    }

    @Override
    protected void watchNames(String[] names, BiConsumer<Object, Object> listener) {
        SelfConnectBridge.watchNames(names, listener);
    }

    @Override
    protected boolean bridgeInstalled() {
        return SelfConnectBridge.isInstalled();
    }

    @Override
    protected boolean jarDirectoriesMapped() {
        return true;
    }

    @Override
    protected void makeAccessible(AccessibleObject member) {
        member.setAccessible(true);
    }
}
