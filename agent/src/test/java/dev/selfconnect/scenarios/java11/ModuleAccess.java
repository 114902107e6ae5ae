package dev.selfconnect.scenarios.java11;

/** The module part of the module-access scenario: Java 9 and later. */
public final class ModuleAccess {

    private ModuleAccess() {
    }

    /**
     * What the application class may do with java.base's internal packages: every line must read the same with the
     * agent as without it.
     */
    public static void print(Class<?> applicationClass) throws Exception {
        Module javaBase = Object.class.getModule();
        Module application = applicationClass.getModule();
        for (String pkg : new String[] {"sun.nio.ch", "java.net", "jdk.internal.misc", "sun.net.util"}) {
            System.out.println("RESULT " + pkg + " open=" + javaBase.isOpen(pkg, application) + " exported="
                    + javaBase.isExported(pkg, application));
        }
        for (String type : new String[] {"sun.nio.ch.Net", "sun.nio.ch.SocketChannelImpl"}) {
            java.lang.reflect.Method method = Class.forName(type).getDeclaredMethods()[0];
            System.out.println("RESULT " + type + " trySetAccessible=" + method.trySetAccessible());
        }
        System.out.println("RESULT unnamed modules see sun.nio.ch: " + javaBase.isOpen("sun.nio.ch")
                + " " + javaBase.isExported("sun.nio.ch"));
    }
}
