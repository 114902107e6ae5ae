package dev.selfconnect.instrumentation.modular;

import dev.selfconnect.instrumentation.JavaBaseAccess;

import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@link JavaBaseAccess} on JDK 9 and later. No lambdas or streams: this runs in premain, where each costs. */
public final class ModularJavaBase extends JavaBaseAccess {

    /** A class of the package that loads without side effects; it is not initialized. */
    private static final String HOST = PACKAGE + ".Net";

    static {
        register(new ModularJavaBase());
    }

    private ModularJavaBase() {
    }

    @Override
    protected void openToAgent(Instrumentation instrumentation) {
        Module javaBase = Object.class.getModule();
        Optional<Module> management = ModuleLayer.boot().findModule("java.management");
        Map<String, Set<Module>> exports = management.isPresent()
                ? Map.of(PACKAGE, Set.of(management.get())) : Map.of();
        instrumentation.redefineModule(javaBase, Set.of(), exports,
                Map.of(PACKAGE, Set.of(ModularJavaBase.class.getModule())), Set.of(), Map.of());
    }

    @Override
    protected Class<?> defineInJavaBase(byte[] classFile) throws ReflectiveOperationException {
        Class<?> host = Class.forName(HOST, false, null);
        return MethodHandles.privateLookupIn(host, MethodHandles.lookup()).defineClass(classFile);
    }
}
