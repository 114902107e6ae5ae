package dev.selfconnect.netty;

import dev.selfconnect.reporting.AgentLog;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;

/**
 * How the agent learns at startup that a Netty is about to load its native library, wherever that Netty comes from
 * (relocated inside another jar, in a nested jar, in an application server's loader): Netty extracts the library from
 * its jar into a temporary file ({@code Files.createTempFile(directory, "lib<prefix>netty_transport_native_...",
 * ".so")}) and only then loads it. {@code java.nio.file.TempFileHelper}, the JDK class behind that call, is loaded
 * by the first temporary file a JVM creates, which a JVM's start does not: the agent's weaver thread loads it (without
 * initializing it) while a transformer for it alone is registered, so the entry of
 * {@code createTempFile(Path, String, String, FileAttribute[])} calls the bridge's
 * {@code beforeTempFile(Object prefix)}:
 * <pre>  entry: aload_1; invokestatic beforeTempFile</pre>
 * An application without Netty pays one name test per temporary file, and no retransformation: the JDK's library
 * loading ({@link LibraryLoadHook}) is woven only once the bridge has seen a prefix that names Netty.
 */
final class ExtractionHook implements ClassFileTransformer {

    static final String TEMP_FILES = "java/nio/file/TempFileHelper";
    private static final String METHOD = "createTempFile";
    private static final String DESCRIPTOR =
            "(Ljava/nio/file/Path;Ljava/lang/String;Ljava/lang/String;[Ljava/nio/file/attribute/FileAttribute;)"
                    + "Ljava/nio/file/Path;";
    private static final String BRIDGE = "sun/nio/ch/SelfConnectBridge";
    private static final String BRIDGE_METHOD = "beforeTempFile";
    private static final String BRIDGE_DESCRIPTOR = "(Ljava/lang/Object;)V";
    /** The prefix argument's local: the method is static, (dir, prefix, suffix, attributes). */
    private static final int PREFIX_LOCAL = 1;

    private volatile boolean woven;

    ExtractionHook() {
    }

    /**
     * Weaves the JDK's temporary-file creation as its class loads; false if the JVM had loaded it before (then a Netty
     * is met by the look at the loaded classes that follows the library hook's weaving).
     */
    static boolean weaveAsItLoads(Instrumentation instrumentation) {
        ExtractionHook transformer = new ExtractionHook();
        instrumentation.addTransformer(transformer, false);
        try {
            Class.forName(TEMP_FILES.replace('/', '.'), false, null);
        } catch (ClassNotFoundException | LinkageError notOnThisJdk) {
            return false;
        } finally {
            instrumentation.removeTransformer(transformer);
        }
        return transformer.woven;
    }

    @Override
    public byte[] transform(ClassLoader loader, String internalName, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classFile) {
        if (loader != null || classBeingRedefined != null || !TEMP_FILES.equals(internalName)) {
            return null;
        }
        try {
            ClassReader reader = new ClassReader(classFile);
            ClassWriter writer = new ClassWriter(reader, 0);
            EntryWeaver weaver = new EntryWeaver(writer);
            reader.accept(weaver, 0);
            if (!weaver.found) {
                return null;
            }
            woven = true;
            return writer.toByteArray();
        } catch (Throwable failure) {
            AgentLog.internalFailure("instrumenting " + TEMP_FILES.replace('/', '.'), failure);
            return null;
        }
    }

    private static final class EntryWeaver extends ClassVisitor {
        boolean found;

        EntryWeaver(ClassVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
            if (!name.equals(METHOD) || !descriptor.equals(DESCRIPTOR) || (access & Opcodes.ACC_STATIC) == 0) {
                return next;
            }
            found = true;
            return new MethodVisitor(Opcodes.ASM9, next) {
                @Override
                public void visitCode() {
                    super.visitCode();
                    super.visitVarInsn(Opcodes.ALOAD, PREFIX_LOCAL);
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, BRIDGE_METHOD, BRIDGE_DESCRIPTOR, false);
                }

                @Override
                public void visitMaxs(int maxStack, int maxLocals) {
                    super.visitMaxs(Math.max(maxStack, 1), maxLocals);
                }
            };
        }
    }
}
