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
 * transports load their native library before any of their channels exists, through System.load, which ends in one
 * JDK method per class loader and library. Its return gets a call to the bridge's
 * {@code nameSeen(Object library, Object fromClass, Object path)}, which passes on a path that names Netty:
 * <ul>
 * <li>JDK 15 and later: {@code jdk.internal.loader.NativeLibraries.loadLibrary(Class, String, boolean)}, which returns
 * the library or null:
 * <pre>  exit: dup; aload_1; aload_2; invokestatic nameSeen; areturn</pre>
 * <li>JDK 8 to 14: {@code private static boolean java.lang.ClassLoader.loadLibrary0(Class, File)}, which returns
 * whether the file is loaded in the class loader of the class; the file stands for the library:
 * <pre>  exit: dup; ifeq done; aload_1; aload_0; aload_1; invokevirtual File.getPath; invokestatic nameSeen;
 *  done: ireturn</pre>
 * </ul>
 * Every return of the method jumps to that one exit block, placed after the method's code and outside its try and
 * synchronized ranges (the JDKs' returns there follow the inlined finally blocks and monitor exits). The JVM loads
 * the class before any agent starts, so it is woven by retransformation, and the transformer that did it is removed at
 * once: a later retransformation of that class by another agent drops the hook (then only Netty classes loaded
 * before, found by {@link NettyTransports#scanLoadedClasses}, are covered).
 */
final class LibraryLoadHook implements ClassFileTransformer {

    private static final String BRIDGE = "sun/nio/ch/SelfConnectBridge";
    private static final String BRIDGE_METHOD = "nameSeen";
    private static final String BRIDGE_DESCRIPTOR = "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;)V";

    /** A JDK method to hook: its class, name and descriptor. */
    private static final class Target {
        final String owner;
        final String method;
        final String descriptor;
        final boolean isStatic;

        Target(String owner, String method, String descriptor, boolean isStatic) {
            this.owner = owner;
            this.method = method;
            this.descriptor = descriptor;
            this.isStatic = isStatic;
        }

        String className() {
            return owner.replace('/', '.');
        }
    }

    private static final Target NATIVE_LIBRARIES = new Target("jdk/internal/loader/NativeLibraries", "loadLibrary",
            "(Ljava/lang/Class;Ljava/lang/String;Z)Ljdk/internal/loader/NativeLibrary;", false);
    private static final Target CLASS_LOADER = new Target("java/lang/ClassLoader", "loadLibrary0",
            "(Ljava/lang/Class;Ljava/io/File;)Z", true);

    private final Target target;
    private volatile boolean woven;

    private LibraryLoadHook(Target target) {
        this.target = target;
    }

    /** Weaves the JDK's library loading; false where this JDK has neither method. */
    static boolean install(Instrumentation instrumentation) {
        Target target = target();
        Class<?> owner = loaded(instrumentation, target);
        if (owner == null) {
            return false;
        }
        LibraryLoadHook transformer = new LibraryLoadHook(target);
        instrumentation.addTransformer(transformer, true);
        try {
            instrumentation.retransformClasses(owner);
        } catch (Exception | LinkageError failure) {
            AgentLog.internalFailure("instrumenting " + target.className()
                    + " (Netty's native transports are checked only if loaded before the agent)", failure);
        } finally {
            instrumentation.removeTransformer(transformer);
        }
        return transformer.woven;
    }

    /** Restores the JDK's library loading (no transformer of the agent weaves it any more). */
    static void uninstall(Instrumentation instrumentation) {
        Target target = target();
        Class<?> owner = loaded(instrumentation, target);
        if (owner == null) {
            return;
        }
        try {
            instrumentation.retransformClasses(owner);
        } catch (Exception | LinkageError failure) {
            AgentLog.internalFailure("restoring " + target.className(), failure);
        }
    }

    private static Target target() {
        try {
            Class.forName(NATIVE_LIBRARIES.className(), false, null);
            return NATIVE_LIBRARIES;
        } catch (ClassNotFoundException beforeJdk15) {
            return CLASS_LOADER;
        }
    }

    private static Class<?> loaded(Instrumentation instrumentation, Target target) {
        try {
            Class<?> type = Class.forName(target.className(), false, null);
            return instrumentation.isModifiableClass(type) ? type : null;
        } catch (ClassNotFoundException notThere) {
            return null;
        }
    }

    @Override
    public byte[] transform(ClassLoader loader, String internalName, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classFile) {
        if (loader != null || !target.owner.equals(internalName)) {
            return null;
        }
        try {
            ClassReader reader = new ClassReader(classFile);
            ClassWriter writer = new ClassWriter(reader, 0);
            Weaver weaver = new Weaver(writer, target);
            reader.accept(weaver, 0);
            if (!weaver.found) {
                return null;
            }
            woven = true;
            return writer.toByteArray();
        } catch (Throwable failure) {
            AgentLog.internalFailure("instrumenting " + target.className(), failure);
            return null;
        }
    }

    private static final class Weaver extends ClassVisitor {
        private final Target target;
        boolean found;

        Weaver(ClassVisitor next, Target target) {
            super(Opcodes.ASM9, next);
            this.target = target;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
            if (name.equals(target.method) && descriptor.equals(target.descriptor)
                    && ((access & Opcodes.ACC_STATIC) != 0) == target.isStatic) {
                found = true;
                return target == NATIVE_LIBRARIES ? new LibraryExit(next) : new LoadedExit(next);
            }
            return next;
        }
    }

    /** Replaces each return of the method (opcode {@code returnOpcode}) by a jump to one exit block at its end. */
    private abstract static class ExitHook extends MethodVisitor {
        private final int returnOpcode;
        final Label exit = new Label();

        ExitHook(MethodVisitor next, int returnOpcode) {
            super(Opcodes.ASM9, next);
            this.returnOpcode = returnOpcode;
        }

        @Override
        public void visitInsn(int opcode) {
            if (opcode == returnOpcode) {
                super.visitJumpInsn(Opcodes.GOTO, exit);
            } else {
                super.visitInsn(opcode);
            }
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitLabel(exit);
            exitBlock();
            super.visitMaxs(Math.max(maxStack, 4), maxLocals);
        }

        abstract void exitBlock();

        /** Writes past this visitor: its own returns are not replaced. */
        void callBridge() {
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, BRIDGE_METHOD, BRIDGE_DESCRIPTOR, false);
        }
    }

    /** NativeLibraries.loadLibrary(Class, String, boolean): (this, fromClass, name) in locals 0 to 2. */
    private static final class LibraryExit extends ExitHook {
        LibraryExit(MethodVisitor next) {
            super(next, Opcodes.ARETURN);
        }

        @Override
        void exitBlock() {
            mv.visitFrame(Opcodes.F_FULL, 3, new Object[] {NATIVE_LIBRARIES.owner, "java/lang/Class",
                    "java/lang/String"}, 1, new Object[] {"jdk/internal/loader/NativeLibrary"});
            mv.visitInsn(Opcodes.DUP);
            mv.visitVarInsn(Opcodes.ALOAD, 1);
            mv.visitVarInsn(Opcodes.ALOAD, 2);
            callBridge();
            mv.visitInsn(Opcodes.ARETURN);
        }
    }

    /** ClassLoader.loadLibrary0(Class, File), static: (fromClass, file) in locals 0 and 1. */
    private static final class LoadedExit extends ExitHook {
        LoadedExit(MethodVisitor next) {
            super(next, Opcodes.IRETURN);
        }

        @Override
        void exitBlock() {
            Object[] locals = {"java/lang/Class", "java/io/File"};
            Object[] result = {Opcodes.INTEGER};
            Label done = new Label();
            mv.visitFrame(Opcodes.F_FULL, 2, locals, 1, result);
            mv.visitInsn(Opcodes.DUP);
            mv.visitJumpInsn(Opcodes.IFEQ, done);
            mv.visitVarInsn(Opcodes.ALOAD, 1);
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitVarInsn(Opcodes.ALOAD, 1);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/io/File", "getPath", "()Ljava/lang/String;", false);
            callBridge();
            mv.visitLabel(done);
            mv.visitFrame(Opcodes.F_FULL, 2, locals, 1, result);
            mv.visitInsn(Opcodes.IRETURN);
        }
    }
}
