package dev.selfconnect.instrumentation;

import java.lang.instrument.Instrumentation;

/**
 * What the agent needs from the module system on JDK 9 and later: java.base's {@code sun.nio.ch} opened to the
 * agent (the bridge is defined there, the agent calls it, and the resetter sets SO_LINGER on asynchronous channels)
 * and exported to java.management (the instrumented ManagementFactory calls the bridge). JDK 8 has no modules and
 * needs none of it.
 * <p>
 * The implementation calls the module APIs directly and is compiled for Java 11, so it is loaded only where they
 * exist; the rest of the agent compiles for Java 8. Calling them reflectively instead cost JDK 25 some 30 ms of
 * method-handle spinning at startup.
 */
public abstract class JavaBaseAccess {

    protected static final String PACKAGE = "sun.nio.ch";
    private static final String MODULAR = "dev.selfconnect.instrumentation.modular.ModularJavaBase";

    private static volatile JavaBaseAccess current;

    /**
     * The module system of this JVM, or null on JDK 8. The implementation registers itself when its class is
     * initialized: on JDK 25 a reflective constructor call would cost some method-handle set-up of its own.
     */
    static JavaBaseAccess ofThisJvm() throws ReflectiveOperationException {
        if (current == null && hasModules()) {
            Class.forName(MODULAR, true, JavaBaseAccess.class.getClassLoader());
            if (current == null) {
                throw new ClassNotFoundException(MODULAR + " did not register itself");
            }
        }
        return current;
    }

    /** Called by the implementation's static initializer. */
    protected static void register(JavaBaseAccess access) {
        current = access;
    }

    private static boolean hasModules() {
        return !System.getProperty("java.specification.version", "1.8").startsWith("1.");
    }

    /** Opens {@value #PACKAGE} to the agent and exports it to java.management. */
    protected abstract void openToAgent(Instrumentation instrumentation);

    /** Defines a class in {@value #PACKAGE}, without initializing it. */
    protected abstract Class<?> defineInJavaBase(byte[] classFile) throws ReflectiveOperationException;
}
