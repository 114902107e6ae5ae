package dev.selfconnect.netty;

import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;

/**
 * Defines the hook class in the package and class loader of a Netty class, where Netty's woven code can call it
 * whatever loader Netty sits in, with no change to any module's access: Netty's packages (class path or automatic
 * module) are open to every module, so a private lookup in them may define a class there (JDK 9 and later); on JDK 8,
 * {@code ClassLoader.defineClass} is called reflectively. The hook talks to the agent through JDK types only, so
 * Netty's code links against nothing outside its own loader and java.base:
 * <pre>
 * public final class SelfConnectNettyHook {
 *     public static volatile BiFunction&lt;Object, Object, Object&gt; check;  // (unsafe, promise) -&gt; non-null: rejected
 *     public static volatile BiFunction&lt;Object, Object, Object&gt; bound;  // (server channel, requested address)
 *
 *     // at the entry of fulfillConnectPromise: true means the connect was rejected, skip the method's body
 *     public static boolean connected(Object unsafe, Object promise) {
 *         BiFunction f = check;
 *         if (f == null) return false;
 *         try { return f.apply(unsafe, promise) != null; } catch (Throwable t) { return false; }
 *     }
 *
 *     // on the normal return of a server channel's doBind; never throws
 *     public static void bound(Object channel, Object requested) { ... bound.apply(channel, requested) ... }
 * }
 * </pre>
 */
final class HookClass {

    /** The simple name of the hook in each Netty package that has a hooked class. */
    static final String SIMPLE_NAME = "SelfConnectNettyHook";
    private static final String FUNCTION = "java/util/function/BiFunction";
    private static final String FUNCTION_TYPE = "L" + FUNCTION + ";";

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
        byte[] classFile = classFile(internalName);
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

    /**
     * The hook's class file (class version 49, which needs no stack map frames), written directly: no class file is
     * read, and no ASM class beyond those the weaving loads anyway.
     */
    static byte[] classFile(String internalName) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V1_5, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, internalName, null,
                "java/lang/Object", null);
        for (String field : new String[] {"check", "bound"}) {
            writer.visitField(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC | Opcodes.ACC_VOLATILE, field, FUNCTION_TYPE,
                    null, null).visitEnd();
        }
        hookMethod(writer, internalName, "connected", "check", true);
        hookMethod(writer, internalName, "bound", "bound", false);
        writer.visitEnd();
        return writer.toByteArray();
    }

    /**
     * {@code static boolean connected(Object, Object)}: the function's result is non-null; {@code static void
     * bound(Object, Object)}: the result is dropped. No function, or a failure inside it: false / nothing.
     */
    private static void hookMethod(ClassWriter writer, String owner, String name, String field, boolean returns) {
        MethodVisitor method = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, name,
                returns ? "(Ljava/lang/Object;Ljava/lang/Object;)Z" : "(Ljava/lang/Object;Ljava/lang/Object;)V",
                null, null);
        method.visitCode();
        Label start = new Label();
        Label end = new Label();
        Label failed = new Label();
        Label none = new Label();
        method.visitTryCatchBlock(start, end, failed, "java/lang/Throwable");
        method.visitFieldInsn(Opcodes.GETSTATIC, owner, field, FUNCTION_TYPE);
        method.visitInsn(Opcodes.DUP);
        method.visitJumpInsn(Opcodes.IFNULL, none);
        method.visitLabel(start);
        method.visitVarInsn(Opcodes.ALOAD, 0);
        method.visitVarInsn(Opcodes.ALOAD, 1);
        method.visitMethodInsn(Opcodes.INVOKEINTERFACE, FUNCTION, "apply",
                "(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;", true);
        method.visitLabel(end);
        if (returns) {
            Label rejected = new Label();
            method.visitJumpInsn(Opcodes.IFNONNULL, rejected);
            method.visitInsn(Opcodes.ICONST_0);
            method.visitInsn(Opcodes.IRETURN);
            method.visitLabel(rejected);
            method.visitInsn(Opcodes.ICONST_1);
            method.visitInsn(Opcodes.IRETURN);
        } else {
            method.visitInsn(Opcodes.POP);
            method.visitInsn(Opcodes.RETURN);
        }
        method.visitLabel(failed);
        method.visitInsn(Opcodes.POP);
        if (returns) {
            method.visitInsn(Opcodes.ICONST_0);
            method.visitInsn(Opcodes.IRETURN);
        } else {
            method.visitInsn(Opcodes.RETURN);
        }
        method.visitLabel(none);
        method.visitInsn(Opcodes.POP);
        if (returns) {
            method.visitInsn(Opcodes.ICONST_0);
            method.visitInsn(Opcodes.IRETURN);
        } else {
            method.visitInsn(Opcodes.RETURN);
        }
        method.visitMaxs(0, 0);
        method.visitEnd();
    }
}
