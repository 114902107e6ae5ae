package dev.selfconnect.instrumentation;

import dev.selfconnect.reporting.AgentLog;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Weaves the exit hook into the few JDK methods where connects complete, with the ASM that Byte Buddy ships, and
 * touches no other class: a class is matched by its name in a small map before anything else happens. No member is
 * added, so the same transformation serves a class's first load and its retransformation.
 * <p>
 * Each {@code return} of a hooked method becomes a jump to one exit block appended after the method's code, and so
 * outside all of its try blocks: the exception the bridge may throw leaves the method as the application's own
 * exception would, and is never caught by the JDK's handlers inside it.
 * <pre>
 *   void method:    exit: aload_0; ldc API; invokestatic SelfConnectBridge.afterConnect; return
 *   boolean method: exit: dup; ifeq done; aload_0; ldc API; invokestatic SelfConnectBridge.afterConnect; done: ireturn
 *   void bind:      exit: aload_0; aload_1; ldc API; invokestatic SelfConnectBridge.afterBind; return
 *   object bind:    exit: aload_0; aload_1; ldc API; invokestatic SelfConnectBridge.afterBind; areturn
 *   static result:  exit: dup; invokestatic SelfConnectBridge.afterPlatformMBeanServer; areturn
 * </pre>
 * A bind method's returned object stays on the stack under the hook's arguments; 'this' stays in local 0 and the
 * requested address in local 1 (the bind methods reassign that parameter at most to another SocketAddress).
 */
final class ConnectTransformer implements ClassFileTransformer {

    static final String BRIDGE = "sun/nio/ch/SelfConnectBridge";

    private final Map<String, List<ConnectPoint>> pointsByClass = ConnectPoint.byOwner();
    private final AtomicInteger woven = new AtomicInteger();

    /** How many classes this transformer has woven. */
    int wovenCount() {
        return woven.get();
    }

    @Override
    public byte[] transform(ClassLoader loader, String internalName, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classFile) {
        if (loader != null || internalName == null) {
            return null;
        }
        List<ConnectPoint> points = pointsByClass.get(internalName);
        if (points == null || isWoven(classFile)) {
            return null;
        }
        try {
            byte[] result = weave(classFile, points);
            woven.incrementAndGet();
            return result;
        } catch (Throwable failure) {
            AgentLog.internalFailure("instrumenting " + internalName + " (its connects are not checked)", failure);
            return null;
        }
    }

    /**
     * True when the class already calls the bridge: it was woven as it loaded, and that weaving stays in the bytes
     * every later retransformation starts from.
     */
    static boolean isWoven(byte[] classFile) {
        byte[] bridge = BRIDGE_NAME_BYTES;
        search:
        for (int i = 0, last = classFile.length - bridge.length; i <= last; i++) {
            for (int j = 0; j < bridge.length; j++) {
                if (classFile[i + j] != bridge[j]) {
                    continue search;
                }
            }
            return true;
        }
        return false;
    }

    private static final byte[] BRIDGE_NAME_BYTES = ascii(BRIDGE);

    private static byte[] ascii(String text) {
        byte[] bytes = new byte[text.length()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) text.charAt(i);
        }
        return bytes;
    }

    /**
     * Builds a small class in memory, weaves it and throws the result away: loading ASM's classes from the agent jar
     * takes some 25 ms on JDK 17, and done ahead on the weaver thread, it does not fall on the first connect.
     */
    static void warmUp() {
        ConnectPoint point = ConnectPoint.warmUpSample();
        ClassWriter sample = new ClassWriter(0);
        sample.visit(Opcodes.V1_8, Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, point.owner, null, "java/lang/Object", null);
        MethodVisitor method = sample.visitMethod(0, point.method, point.descriptor, null, null);
        method.visitCode();
        method.visitInsn(Opcodes.RETURN);
        method.visitMaxs(0, 3);
        method.visitEnd();
        sample.visitEnd();
        weave(sample.toByteArray(), Collections.singletonList(point));
    }

    static byte[] weave(byte[] classFile, List<ConnectPoint> points) {
        ClassReader reader = new ClassReader(classFile);
        // Nothing is computed and frames stay compressed, so every method but the hooked ones is copied as it is.
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new HookingClassVisitor(writer, points), 0);
        return writer.toByteArray();
    }

    private static final class HookingClassVisitor extends ClassVisitor {
        private final List<ConnectPoint> points;
        private String owner;

        HookingClassVisitor(ClassVisitor next, List<ConnectPoint> points) {
            super(Opcodes.ASM9, next);
            this.points = points;
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
            if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
                return next;
            }
            boolean isStatic = (access & Opcodes.ACC_STATIC) != 0;
            for (ConnectPoint point : points) {
                if (point.method.equals(name) && point.descriptor.equals(descriptor)
                        && isStatic == point.staticResult) {
                    return new ExitHook(next, owner, point);
                }
            }
            return next;
        }
    }

    private static final class ExitHook extends MethodVisitor {
        private final String owner;
        private final ConnectPoint point;
        private final int returnOpcode;
        private final Label exit = new Label();
        /** The exit block's deepest stack: the returned value, 'this', the requested address and the API name. */
        private static final int EXIT_BLOCK_STACK = 4;

        ExitHook(MethodVisitor next, String owner, ConnectPoint point) {
            super(Opcodes.ASM9, next);
            this.owner = owner;
            this.point = point;
            this.returnOpcode = point.returnsBoolean() ? Opcodes.IRETURN
                    : point.returnedObjectType() != null ? Opcodes.ARETURN : Opcodes.RETURN;
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
            // The frame declares only 'this' (a bind point: and the requested address) and the returned value:
            // every jump here carries at least that.
            Object[] locals = point.staticResult ? new Object[0]
                    : point.bind ? new Object[] {owner, "java/net/SocketAddress"} : new Object[] {owner};
            Object[] stack = point.returnsBoolean() ? new Object[] {Opcodes.INTEGER}
                    : point.returnedObjectType() != null ? new Object[] {point.returnedObjectType()} : new Object[0];
            super.visitLabel(exit);
            super.visitFrame(Opcodes.F_FULL, locals.length, locals, stack.length, stack);
            Label done = new Label();
            if (point.returnsBoolean()) {
                super.visitInsn(Opcodes.DUP);
                super.visitJumpInsn(Opcodes.IFEQ, done);
            }
            if (point.staticResult) {
                super.visitInsn(Opcodes.DUP);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "afterPlatformMBeanServer",
                        "(Ljava/lang/Object;)V", false);
            } else if (point.bind) {
                super.visitVarInsn(Opcodes.ALOAD, 0);
                super.visitVarInsn(Opcodes.ALOAD, 1);
                super.visitLdcInsn(point.api);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "afterBind",
                        "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/String;)V", false);
            } else {
                super.visitVarInsn(Opcodes.ALOAD, 0);
                super.visitLdcInsn(point.api);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "afterConnect",
                        "(Ljava/lang/Object;Ljava/lang/String;)V", false);
            }
            if (point.returnsBoolean()) {
                super.visitLabel(done);
                super.visitFrame(Opcodes.F_FULL, locals.length, locals, stack.length, stack);
            }
            super.visitInsn(returnOpcode);
            super.visitMaxs(Math.max(maxStack, EXIT_BLOCK_STACK), maxLocals);
        }
    }
}
