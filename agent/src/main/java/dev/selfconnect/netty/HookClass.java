package dev.selfconnect.netty;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.commons.ClassRemapper;
import net.bytebuddy.jar.asm.commons.SimpleRemapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;

/**
 * Defines a copy of {@link NettyHook} in the package and class loader of a Netty class, where Netty's woven code can
 * call it whatever loader Netty sits in, with no change to any module's access: Netty's packages (class path or
 * automatic module) are open to every module, so a private lookup in them may define a class there (JDK 9 and later);
 * on JDK 8, {@code ClassLoader.defineClass} is called reflectively.
 */
final class HookClass {

    /** The simple name of the hook in each Netty package that has a hooked class. */
    static final String SIMPLE_NAME = "SelfConnectNettyHook";
    private static final String TEMPLATE = NettyHook.class.getName().replace('.', '/');

    private static byte[] template;

    private HookClass() {
    }

    /** The internal name of the hook that a class in the given package (internal form) calls. */
    static String internalNameFor(String classInternalName) {
        return classInternalName.substring(0, classInternalName.lastIndexOf('/') + 1) + SIMPLE_NAME;
    }

    /** The hook class next to {@code neighbour}, defined now if it was not defined before. */
    static Class<?> defineNextTo(Class<?> neighbour) throws Exception {
        String internalName = internalNameFor(neighbour.getName().replace('.', '/'));
        String name = internalName.replace('/', '.');
        ClassLoader loader = neighbour.getClassLoader();
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException notYet) {
            // define it below
        }
        byte[] classFile = renamed(internalName);
        try {
            return defineWithLookup(neighbour, classFile);
        } catch (NoSuchMethodException java8) {
            Method define = ClassLoader.class.getDeclaredMethod("defineClass", String.class, byte[].class, int.class,
                    int.class);
            define.setAccessible(true);
            return (Class<?>) define.invoke(loader, name, classFile, 0, classFile.length);
        }
    }

    private static Class<?> defineWithLookup(Class<?> neighbour, byte[] classFile) throws Exception {
        Method privateLookupIn = MethodHandles.class.getMethod("privateLookupIn", Class.class,
                MethodHandles.Lookup.class);
        Method defineClass = MethodHandles.Lookup.class.getMethod("defineClass", byte[].class);
        Object lookup = privateLookupIn.invoke(null, neighbour, MethodHandles.lookup());
        return (Class<?>) defineClass.invoke(lookup, (Object) classFile);
    }

    private static byte[] renamed(String internalName) throws IOException {
        ClassReader reader = new ClassReader(template());
        ClassWriter writer = new ClassWriter(0);
        reader.accept(new ClassRemapper(writer, new SimpleRemapper(TEMPLATE, internalName)), 0);
        return writer.toByteArray();
    }

    private static synchronized byte[] template() throws IOException {
        if (template == null) {
            try (InputStream in = HookClass.class.getResourceAsStream("NettyHook.class")) {
                if (in == null) {
                    throw new IOException("the agent jar has no " + TEMPLATE + ".class");
                }
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                byte[] buffer = new byte[4096];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    bytes.write(buffer, 0, n);
                }
                template = bytes.toByteArray();
            }
        }
        return template;
    }
}
