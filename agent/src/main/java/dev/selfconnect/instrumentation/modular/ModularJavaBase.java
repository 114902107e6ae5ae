package dev.selfconnect.instrumentation.modular;

import dev.selfconnect.instrumentation.JavaBaseAccess;
import sun.nio.ch.SelfConnectBridge;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.AccessibleObject;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * {@link JavaBaseAccess} on JDK 9 and later. This class is defined in the agent's isolated loader, and its module
 * (that loader's unnamed module) is the only one to which java.base opens {@code sun.nio.ch} and
 * {@code jdk.internal.loader}; java.management gets
 * the package exported, so that the hooked ManagementFactory can call the bridge. No lambdas or streams: this runs in
 * premain, where each costs.
 */
public final class ModularJavaBase extends JavaBaseAccess {

    /** The built-in class loaders' package: the agent reads its own jar from a private copy (PrivateAgentJar). */
    private static final String LOADER_PACKAGE = "jdk.internal.loader";
    /** A class of the package that loads without side effects; it is not initialized. */
    private static final String HOST = PACKAGE + ".Net";

    static {
        register(new ModularJavaBase(), ModularJavaBase.class.getClassLoader());
    }

    private ModularJavaBase() {
    }

    @Override
    protected void open(Instrumentation instrumentation) {
        Module javaBase = Object.class.getModule();
        Optional<Module> management = ModuleLayer.boot().findModule("java.management");
        Map<String, Set<Module>> exports = management.isPresent()
                ? Map.of(PACKAGE, Set.of(management.get())) : Map.of();
        Set<Module> agent = Set.of(ModularJavaBase.class.getModule());
        instrumentation.redefineModule(javaBase, Set.of(), exports, Map.of(PACKAGE, agent, LOADER_PACKAGE, agent),
                Set.of(), Map.of());
    }

    @Override
    protected void defineBridge(Instrumentation instrumentation, byte[] classFile) throws ReflectiveOperationException {
        Class<?> host = Class.forName(HOST, false, null);
        MethodHandles.privateLookupIn(host, MethodHandles.lookup()).defineClass(classFile);
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
        return false;
    }

    @Override
    protected void makeAccessible(AccessibleObject member) {
        member.setAccessible(true);
    }
}
