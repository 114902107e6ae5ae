package dev.selfconnect.instrumentation;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.Map;
import java.util.Set;

/**
 * Opens java.base's {@code sun.nio.ch} to the agent (JDK 9 and later), so that the agent can define its bridge there
 * and set SO_LINGER on asynchronous channels. The module APIs are called reflectively: the agent compiles for Java 8,
 * where there are no modules and nothing needs opening.
 */
public final class JavaBaseAccess {

    static final String PACKAGE = "sun.nio.ch";

    private JavaBaseAccess() {
    }

    static boolean hasModules() {
        try {
            Class.class.getMethod("getModule");
            return true;
        } catch (NoSuchMethodException java8) {
            return false;
        }
    }

    /** {@code ModuleLayer.boot().findModule(name).orElse(null)}, reflectively. */
    private static Object bootModule(String name) {
        try {
            Class<?> layer = Class.forName("java.lang.ModuleLayer");
            Object boot = layer.getMethod("boot").invoke(null);
            Object optional = layer.getMethod("findModule", String.class).invoke(boot, name);
            return optional.getClass().getMethod("orElse", Object.class).invoke(optional, (Object) null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    static void openToAgent(Instrumentation instrumentation) throws ReflectiveOperationException {
        if (!hasModules()) {
            return;
        }
        Method getModule = Class.class.getMethod("getModule");
        Object javaBase = getModule.invoke(Object.class);
        Object agent = getModule.invoke(JavaBaseAccess.class);
        Map<String, Set<Object>> opens = Collections.singletonMap(PACKAGE, Collections.singleton(agent));
        // The instrumented ManagementFactory (module java.management) calls the bridge in sun.nio.ch.
        Object management = bootModule("java.management");
        Map<String, Set<Object>> exports = management == null ? Collections.<String, Set<Object>>emptyMap()
                : Collections.singletonMap(PACKAGE, Collections.singleton(management));
        Method redefineModule = Instrumentation.class.getMethod("redefineModule", getModule.getReturnType(),
                Set.class, Map.class, Map.class, Set.class, Map.class);
        redefineModule.invoke(instrumentation, javaBase, Collections.emptySet(), exports, opens,
                Collections.emptySet(), Collections.emptyMap());
    }
}
