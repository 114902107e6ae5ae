package dev.selfconnect.netty;

import dev.selfconnect.reporting.AgentLog;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Weaves the unsafe and TCP server classes of Netty's native transports, and only those a class loader was enabled
 * for (its hook class is defined). At the entry of {@code fulfillConnectPromise(ChannelPromise, boolean)} it inserts
 * <pre>
 *   aload_0; aload_1; invokestatic PACKAGE/SelfConnectNettyHook.connected(Object, Object)Z; ifeq body; return
 *   body: (the method as it was)
 * </pre>
 * and before each return of the server channel's {@code doBind(SocketAddress)} a call to the hook's {@code bound}.
 * Every other class costs a map lookup by name.
 */
final class NettyTransformer implements ClassFileTransformer {

    private static final String HOOK_DESCRIPTOR = "(Ljava/lang/Object;Ljava/lang/Object;)Z";

    /** Classes (internal names, with their prefix) to weave, and in which class loaders. */
    private final Map<String, Set<ClassLoader>> enabled = new ConcurrentHashMap<String, Set<ClassLoader>>();
    /** The classes this transformer wove, by retransformation or as they loaded. */
    private final List<String> woven = new ArrayList<String>();
    /** Enabled classes that had no method to hook (a Netty version whose code differs). */
    private final List<String> missing = new ArrayList<String>();

    void enable(String className, ClassLoader loader) {
        String internalName = className.replace('.', '/');
        Set<ClassLoader> loaders = enabled.get(internalName);
        if (loaders == null) {
            loaders = java.util.Collections.newSetFromMap(new WeakHashMap<ClassLoader, Boolean>());
            enabled.put(internalName, java.util.Collections.synchronizedSet(loaders));
            loaders = enabled.get(internalName);
        }
        loaders.add(loader);
    }

    synchronized boolean hasWoven(String className) {
        return woven.contains(className.replace('.', '/'));
    }

    synchronized boolean hasNoHookPoint(String className) {
        return missing.contains(className.replace('.', '/'));
    }

    @Override
    public byte[] transform(ClassLoader loader, String internalName, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classFile) {
        if (loader == null || internalName == null) {
            return null;
        }
        Set<ClassLoader> loaders = enabled.get(internalName);
        if (loaders == null || !loaders.contains(loader) || isWoven(classFile)) {
            return null;
        }
        try {
            byte[] result = weave(classFile);
            synchronized (this) {
                (result != null ? woven : missing).add(internalName);
            }
            return result;
        } catch (Throwable failure) {
            AgentLog.internalFailure("instrumenting " + internalName.replace('/', '.')
                    + " (its connects are not checked)", failure);
            return null;
        }
    }

    /** True when the class calls the hook already: woven as it loaded, and retransformed from those bytes. */
    static boolean isWoven(byte[] classFile) {
        byte[] hook = HOOK_NAME_BYTES;
        search:
        for (int i = 0, last = classFile.length - hook.length; i <= last; i++) {
            for (int j = 0; j < hook.length; j++) {
                if (classFile[i + j] != hook[j]) {
                    continue search;
                }
            }
            return true;
        }
        return false;
    }

    private static final byte[] HOOK_NAME_BYTES = ("/" + HookClass.SIMPLE_NAME).getBytes(
            java.nio.charset.StandardCharsets.US_ASCII);

    /** The woven class file, or null if the class has no method to hook. */
    static byte[] weave(byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(reader, 0);
        EntryHookVisitor visitor = new EntryHookVisitor(writer);
        reader.accept(visitor, 0);
        return visitor.hooked ? writer.toByteArray() : null;
    }

    private static final class EntryHookVisitor extends ClassVisitor {
        private String owner;
        boolean hooked;

        EntryHookVisitor(ClassVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                          String[] interfaces) {
            owner = name;
            super.visit(version, access, name, signature, superName, interfaces);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
            if (name.equals(NettyTarget.BIND_METHOD) && descriptor.equals(NettyTarget.BIND_DESCRIPTOR)
                    && (access & (Opcodes.ACC_STATIC | Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) == 0) {
                hooked = true;
                return new BindHook(next, owner);
            }
            if (name.equals(NettyTarget.HOOKED_METHOD) && descriptor.startsWith("(L")
                    && descriptor.endsWith(NettyTarget.HOOKED_DESCRIPTOR_END)
                    && (access & (Opcodes.ACC_STATIC | Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) == 0) {
                hooked = true;
                String promiseType = descriptor.substring(2, descriptor.indexOf(';'));
                return new EntryHook(next, owner, promiseType);
            }
            return next;
        }
    }

    /**
     * Before each normal return of the bind: {@code aload_0; aload_1; invokestatic HOOK.bound(Object, Object)V}. The
     * hook never throws, so it needs no frame and no exit block; local 1 still holds the requested address (the bind
     * methods do not reassign their parameter).
     */
    private static final class BindHook extends MethodVisitor {
        private final String owner;

        BindHook(MethodVisitor next, String owner) {
            super(Opcodes.ASM9, next);
            this.owner = owner;
        }

        @Override
        public void visitInsn(int opcode) {
            if (opcode == Opcodes.RETURN) {
                super.visitVarInsn(Opcodes.ALOAD, 0);
                super.visitVarInsn(Opcodes.ALOAD, 1);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, HookClass.internalNameFor(owner), "bound",
                        "(Ljava/lang/Object;Ljava/lang/Object;)V", false);
            }
            super.visitInsn(opcode);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitMaxs(Math.max(maxStack, 2), maxLocals);
        }
    }

    /**
     * Inserts the hook call before the method's first instruction. The frame after it is the method's initial frame;
     * if the method's own code starts with a frame (a jump target at offset 0), that one is kept instead.
     */
    private static final class EntryHook extends MethodVisitor {
        private final String owner;
        private final String promiseType;
        private boolean framePending;

        EntryHook(MethodVisitor next, String owner, String promiseType) {
            super(Opcodes.ASM9, next);
            this.owner = owner;
            this.promiseType = promiseType;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            Label body = new Label();
            super.visitVarInsn(Opcodes.ALOAD, 0);
            super.visitVarInsn(Opcodes.ALOAD, 1);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, HookClass.internalNameFor(owner), "connected",
                    HOOK_DESCRIPTOR, false);
            super.visitJumpInsn(Opcodes.IFEQ, body);
            super.visitInsn(Opcodes.RETURN);
            super.visitLabel(body);
            framePending = true;
        }

        private void flushFrame() {
            if (framePending) {
                framePending = false;
                super.visitFrame(Opcodes.F_FULL, 3, new Object[] {owner, promiseType, Opcodes.INTEGER}, 0,
                        new Object[0]);
            }
        }

        @Override
        public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
            framePending = false;
            super.visitFrame(type, numLocal, local, numStack, stack);
        }

        @Override
        public void visitInsn(int opcode) {
            flushFrame();
            super.visitInsn(opcode);
        }

        @Override
        public void visitIntInsn(int opcode, int operand) {
            flushFrame();
            super.visitIntInsn(opcode, operand);
        }

        @Override
        public void visitVarInsn(int opcode, int varIndex) {
            flushFrame();
            super.visitVarInsn(opcode, varIndex);
        }

        @Override
        public void visitTypeInsn(int opcode, String type) {
            flushFrame();
            super.visitTypeInsn(opcode, type);
        }

        @Override
        public void visitFieldInsn(int opcode, String fieldOwner, String name, String descriptor) {
            flushFrame();
            super.visitFieldInsn(opcode, fieldOwner, name, descriptor);
        }

        @Override
        public void visitMethodInsn(int opcode, String methodOwner, String name, String descriptor,
                                    boolean isInterface) {
            flushFrame();
            super.visitMethodInsn(opcode, methodOwner, name, descriptor, isInterface);
        }

        @Override
        public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
            flushFrame();
            super.visitInvokeDynamicInsn(name, descriptor, bootstrap, arguments);
        }

        @Override
        public void visitJumpInsn(int opcode, Label label) {
            flushFrame();
            super.visitJumpInsn(opcode, label);
        }

        @Override
        public void visitLdcInsn(Object value) {
            flushFrame();
            super.visitLdcInsn(value);
        }

        @Override
        public void visitIincInsn(int varIndex, int increment) {
            flushFrame();
            super.visitIincInsn(varIndex, increment);
        }

        @Override
        public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
            flushFrame();
            super.visitTableSwitchInsn(min, max, dflt, labels);
        }

        @Override
        public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
            flushFrame();
            super.visitLookupSwitchInsn(dflt, keys, labels);
        }

        @Override
        public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
            flushFrame();
            super.visitMultiANewArrayInsn(descriptor, numDimensions);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitMaxs(Math.max(maxStack, 2), maxLocals);
        }
    }
}
