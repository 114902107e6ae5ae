package dev.selfconnect.netty;

import dev.selfconnect.reporting.AgentLog;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;

/**
 * How the agent learns that Netty appeared, without a transformer registered for every class load: Netty's native
 * transports load their native library before any of their channels exists, through System.load, which ends in the
 * JDK's {@code jdk.internal.loader.NativeLibraries.loadLibrary(Class, String, boolean)} (JDK 15 and later). Its
 * return gets a call to the bridge:
 * <pre>
 *   exit: dup; aload_1; aload_2; invokestatic SelfConnectBridge.afterLoadLibrary(Object, Object, Object); areturn
 * </pre>
 * The JVM loads that class before any agent starts, so it is woven by retransformation, and the transformer that did
 * it is removed at once: a later retransformation of that class by another agent drops the hook (then only Netty
 * classes loaded before, found by {@link NettyTransports#scanLoadedClasses}, are covered).
 */
final class LibraryLoadHook implements ClassFileTransformer {

    static final String OWNER = "jdk/internal/loader/NativeLibraries";
    private static final String METHOD = "loadLibrary";
    private static final String DESCRIPTOR = "(Ljava/lang/Class;Ljava/lang/String;Z)Ljdk/internal/loader/NativeLibrary;";
    private static final String BRIDGE = "sun/nio/ch/SelfConnectBridge";

    private volatile boolean woven;

    /** Weaves the JDK's library loading; false where this JDK has no such method (JDK 8 to 14). */
    static boolean install(Instrumentation instrumentation) {
        Class<?> nativeLibraries = loaded(instrumentation);
        if (nativeLibraries == null) {
            return false;
        }
        LibraryLoadHook transformer = new LibraryLoadHook();
        instrumentation.addTransformer(transformer, true);
        try {
            instrumentation.retransformClasses(nativeLibraries);
        } catch (Exception | LinkageError failure) {
            AgentLog.internalFailure("instrumenting " + OWNER.replace('/', '.')
                    + " (Netty's native transports are checked only if loaded before the agent)", failure);
        } finally {
            instrumentation.removeTransformer(transformer);
        }
        return transformer.woven;
    }

    /** Restores the JDK's library loading (no transformer of the agent weaves it any more). */
    static void uninstall(Instrumentation instrumentation) {
        Class<?> nativeLibraries = loaded(instrumentation);
        if (nativeLibraries == null) {
            return;
        }
        try {
            instrumentation.retransformClasses(nativeLibraries);
        } catch (Exception | LinkageError failure) {
            AgentLog.internalFailure("restoring " + OWNER.replace('/', '.'), failure);
        }
    }

    private static Class<?> loaded(Instrumentation instrumentation) {
        try {
            Class<?> type = Class.forName(OWNER.replace('/', '.'), false, null);
            return instrumentation.isModifiableClass(type) ? type : null;
        } catch (ClassNotFoundException beforeJdk15) {
            return null;
        }
    }

    @Override
    public byte[] transform(ClassLoader loader, String internalName, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classFile) {
        if (loader != null || !OWNER.equals(internalName)) {
            return null;
        }
        try {
            ClassReader reader = new ClassReader(classFile);
            ClassWriter writer = new ClassWriter(reader, 0);
            Weaver weaver = new Weaver(writer);
            reader.accept(weaver, 0);
            if (!weaver.found) {
                return null;
            }
            woven = true;
            return writer.toByteArray();
        } catch (Throwable failure) {
            AgentLog.internalFailure("instrumenting " + OWNER.replace('/', '.'), failure);
            return null;
        }
    }

    private static final class Weaver extends ClassVisitor {
        boolean found;

        Weaver(ClassVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
            if (name.equals(METHOD) && descriptor.equals(DESCRIPTOR) && (access & Opcodes.ACC_STATIC) == 0) {
                found = true;
                return new ExitHook(next);
            }
            return next;
        }
    }

    /** Each areturn jumps to one exit block after the method's code, outside its try blocks. */
    private static final class ExitHook extends MethodVisitor {
        private final Label exit = new Label();

        ExitHook(MethodVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public void visitInsn(int opcode) {
            if (opcode == Opcodes.ARETURN) {
                super.visitJumpInsn(Opcodes.GOTO, exit);
            } else {
                super.visitInsn(opcode);
            }
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitLabel(exit);
            super.visitFrame(Opcodes.F_FULL, 3, new Object[] {OWNER, "java/lang/Class", "java/lang/String"}, 1,
                    new Object[] {"jdk/internal/loader/NativeLibrary"});
            super.visitInsn(Opcodes.DUP);
            super.visitVarInsn(Opcodes.ALOAD, 1);
            super.visitVarInsn(Opcodes.ALOAD, 2);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "afterLoadLibrary",
                    "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;)V", false);
            super.visitInsn(Opcodes.ARETURN);
            super.visitMaxs(Math.max(maxStack, 4), maxLocals);
        }
    }
}
