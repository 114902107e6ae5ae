package dev.selfconnect.instrumentation;

import dev.selfconnect.hooks.HookKind;
import dev.selfconnect.hooks.HookPoint;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Weaves the exit hook into the hook points of the bootstrap classes it is given, with the ASM that Byte Buddy ships,
 * and touches no other class: a class is matched by its name in a small map before anything else happens. No member
 * is added, so the same transformation serves a class's first load and its retransformation.
 * <p>
 * Each {@code return} of a hooked method becomes a jump to one exit block appended after the method's code, and so
 * outside all of its try blocks: the exception the bridge may throw leaves the method as the application's own
 * exception would, and is never caught by the JDK's handlers inside it.
 * <pre>
 *   connect, void:     exit: aload_0; push FAMILY; invokestatic afterConnect; return
 *   connect, boolean:  exit: dup; ifeq done; aload_0; push FAMILY; invokestatic afterConnect; done: ireturn
 *   bind:              exit: aload_0; aload_1; push FAMILY; invokestatic afterBind; return (or areturn)
 *   MBean server:      exit: dup; invokestatic afterPlatformMBeanServer; areturn
 * </pre>
 * A bind method's returned object stays on the stack under the hook's arguments; 'this' stays in local 0 and the
 * requested address in local 1 (the bind methods reassign that parameter at most to another SocketAddress).
 * <p>
 * A connect point that watches refusals also gets a handler for IOException over its original code (not the exit
 * block), appended last to the exception table so that the method's own handlers keep precedence:
 * <pre>
 *   refusal:           handler: dup; aload_1; push FAMILY; invokestatic afterConnectFailed; athrow
 * </pre>
 * A name point (a library's trigger) is hooked at its entry instead, with the name as what the method gave:
 * <pre>
 *   name seen:         entry: aload NAME; aconst_null; aload NAME; invokestatic nameSeen
 * </pre>
 */
final class ConnectTransformer implements ClassFileTransformer {

    static final String BRIDGE = "sun/nio/ch/SelfConnectBridge";
    private static final String CONNECT_DESCRIPTOR = "(Ljava/lang/Object;I)V";
    private static final String BIND_DESCRIPTOR = "(Ljava/lang/Object;Ljava/lang/Object;I)V";
    private static final String SERVER_DESCRIPTOR = "(Ljava/lang/Object;)V";
    private static final String FAILED_DESCRIPTOR = "(Ljava/lang/Throwable;Ljava/lang/Object;I)V";
    private static final String NAME_DESCRIPTOR = "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;)V";
    private static final String IO_EXCEPTION = "java/io/IOException";
    /** The exit block's deepest stack: the returned value, 'this', the requested address and the family. */
    private static final int EXIT_BLOCK_STACK = 4;

    private final Map<String, List<HookPoint>> pointsByClass;
    private final Protection protection;
    private final AtomicInteger woven = new AtomicInteger();

    ConnectTransformer(List<HookPoint> points, Protection protection) {
        this.pointsByClass = byOwner(points);
        this.protection = protection;
    }

    static Map<String, List<HookPoint>> byOwner(List<HookPoint> points) {
        Map<String, List<HookPoint>> byOwner = new HashMap<String, List<HookPoint>>();
        for (HookPoint point : points) {
            List<HookPoint> list = byOwner.get(point.owner());
            if (list == null) {
                list = new ArrayList<HookPoint>();
                byOwner.put(point.owner(), list);
            }
            list.add(point);
        }
        return byOwner;
    }

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
        List<HookPoint> points = pointsByClass.get(internalName);
        if (points == null) {
            return null;
        }
        try {
            List<HookPoint> found = new ArrayList<HookPoint>();
            if (hookedPoints(classFile, points, found)) {
                protection.hooked(found);
                return null;
            }
            found.clear();
            byte[] result = weave(classFile, points, found);
            if (found.isEmpty()) {
                return null; // verification names what is missing
            }
            protection.hooked(found);
            woven.incrementAndGet();
            return result;
        } catch (Throwable failure) {
            protection.failed(points, failure);
            return null;
        }
    }

    /**
     * True when the class already calls the bridge from a hook point: it was woven as it loaded, and that weaving
     * stays in the bytes every later retransformation starts from. Only the code counts: a JVM may keep the bridge's
     * name in the constant pool of a class restored after a detach.
     */
    static boolean hookedPoints(byte[] classFile, final List<HookPoint> points, final List<HookPoint> hooked) {
        new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                final HookPoint point = pointFor(points, access, name, descriptor);
                if (point == null) {
                    return null;
                }
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                        if (owner.equals(BRIDGE) && !hooked.contains(point)) {
                            hooked.add(point);
                        }
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return !hooked.isEmpty();
    }

    private static HookPoint pointFor(List<HookPoint> points, int access, String name, String descriptor) {
        if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
            return null;
        }
        boolean isStatic = (access & Opcodes.ACC_STATIC) != 0;
        for (HookPoint point : points) {
            if (point.method().equals(name) && point.descriptor().equals(descriptor) && isStatic == point.isStatic()) {
                return point;
            }
        }
        return null;
    }

    /** The point of the class that {@link #warmUp()} builds and weaves. */
    static HookPoint warmUpSample() {
        return new HookPoint("dev/selfconnect/instrumentation/WarmUpSample", "connect",
                "(Ljava/net/SocketAddress;I)V", HookKind.CONNECT_COMPLETED, 0, "warm-up", 0, HookPoint.ANY_LATER);
    }

    /**
     * Builds a small class in memory, weaves it and throws the result away: loading ASM's classes from the agent jar
     * takes some 25 ms on JDK 17, and done ahead on the weaver thread, it does not fall on the first connect.
     */
    static void warmUp() {
        HookPoint point = warmUpSample();
        ClassWriter sample = new ClassWriter(0);
        sample.visit(Opcodes.V1_8, Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, point.owner(), null, "java/lang/Object",
                null);
        MethodVisitor method = sample.visitMethod(0, point.method(), point.descriptor(), null, null);
        method.visitCode();
        method.visitInsn(Opcodes.RETURN);
        method.visitMaxs(0, 3);
        method.visitEnd();
        sample.visitEnd();
        byte[] classFile = sample.toByteArray();
        List<HookPoint> points = Collections.singletonList(point);
        hookedPoints(weave(classFile, points, new ArrayList<HookPoint>()), points, new ArrayList<HookPoint>());
    }

    /** Weaves the points; those found in the class are added to {@code found}. */
    static byte[] weave(byte[] classFile, List<HookPoint> points, List<HookPoint> found) {
        ClassReader reader = new ClassReader(classFile);
        // Nothing is computed and frames stay compressed, so every method but the hooked ones is copied as it is.
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new HookingClassVisitor(writer, points, found), 0);
        return writer.toByteArray();
    }

    private static final class HookingClassVisitor extends ClassVisitor {
        private final List<HookPoint> points;
        private final List<HookPoint> found;
        private String owner;

        HookingClassVisitor(ClassVisitor next, List<HookPoint> points, List<HookPoint> found) {
            super(Opcodes.ASM9, next);
            this.points = points;
            this.found = found;
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
            HookPoint point = pointFor(points, access, name, descriptor);
            if (point == null) {
                return next;
            }
            found.add(point);
            return point.kind() == HookKind.NAME_SEEN ? new NameHook(next, point) : new ExitHook(next, owner, point);
        }
    }

    private static final class NameHook extends MethodVisitor {
        private final int nameLocal;

        NameHook(MethodVisitor next, HookPoint point) {
            super(Opcodes.ASM9, next);
            this.nameLocal = point.nameLocal();
        }

        @Override
        public void visitCode() {
            super.visitCode();
            super.visitVarInsn(Opcodes.ALOAD, nameLocal);
            super.visitInsn(Opcodes.ACONST_NULL);
            super.visitVarInsn(Opcodes.ALOAD, nameLocal);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "nameSeen", NAME_DESCRIPTOR, false);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitMaxs(Math.max(maxStack, 3), maxLocals);
        }
    }

    private static final class ExitHook extends MethodVisitor {
        private final String owner;
        private final HookPoint point;
        private final int returnOpcode;
        private final Label exit = new Label();
        private final Label tryStart = new Label();
        private final Label tryEnd = new Label();
        private final Label refusal = new Label();

        ExitHook(MethodVisitor next, String owner, HookPoint point) {
            super(Opcodes.ASM9, next);
            this.owner = owner;
            this.point = point;
            this.returnOpcode = point.returnsBoolean() ? Opcodes.IRETURN
                    : point.returnedObjectType() != null ? Opcodes.ARETURN : Opcodes.RETURN;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            if (point.watchesRefusals()) {
                super.visitLabel(tryStart);
            }
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
            Object[] locals = point.isStatic() ? new Object[0] : point.kind() == HookKind.SERVER_BOUND
                    ? new Object[] {owner, "java/net/SocketAddress"} : new Object[] {owner};
            Object[] stack = point.returnsBoolean() ? new Object[] {Opcodes.INTEGER}
                    : point.returnedObjectType() != null ? new Object[] {point.returnedObjectType()} : new Object[0];
            if (point.watchesRefusals()) {
                super.visitLabel(tryEnd);
            }
            super.visitLabel(exit);
            super.visitFrame(Opcodes.F_FULL, locals.length, locals, stack.length, stack);
            Label done = new Label();
            if (point.returnsBoolean()) {
                super.visitInsn(Opcodes.DUP);
                super.visitJumpInsn(Opcodes.IFEQ, done);
            }
            switch (point.kind()) {
                case PLATFORM_MBEAN_SERVER:
                    super.visitInsn(Opcodes.DUP);
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "afterPlatformMBeanServer",
                            SERVER_DESCRIPTOR, false);
                    break;
                case SERVER_BOUND:
                    super.visitVarInsn(Opcodes.ALOAD, 0);
                    super.visitVarInsn(Opcodes.ALOAD, 1);
                    pushFamily();
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "afterBind", BIND_DESCRIPTOR, false);
                    break;
                default:
                    super.visitVarInsn(Opcodes.ALOAD, 0);
                    pushFamily();
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "afterConnect", CONNECT_DESCRIPTOR, false);
            }
            if (point.returnsBoolean()) {
                super.visitLabel(done);
                super.visitFrame(Opcodes.F_FULL, locals.length, locals, stack.length, stack);
            }
            super.visitInsn(returnOpcode);
            if (point.watchesRefusals()) {
                Object[] requested = {owner, "java/net/SocketAddress"};
                super.visitLabel(refusal);
                super.visitFrame(Opcodes.F_FULL, requested.length, requested, 1, new Object[] {IO_EXCEPTION});
                super.visitInsn(Opcodes.DUP);
                super.visitVarInsn(Opcodes.ALOAD, 1);
                pushFamily();
                super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "afterConnectFailed", FAILED_DESCRIPTOR, false);
                super.visitInsn(Opcodes.ATHROW);
                super.visitTryCatchBlock(tryStart, tryEnd, refusal, IO_EXCEPTION);
            }
            super.visitMaxs(Math.max(maxStack, EXIT_BLOCK_STACK), maxLocals);
        }

        private void pushFamily() {
            super.visitIntInsn(Opcodes.BIPUSH, point.family());
        }
    }
}
