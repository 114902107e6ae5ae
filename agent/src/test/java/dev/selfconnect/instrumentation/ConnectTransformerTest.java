package dev.selfconnect.instrumentation;

import dev.selfconnect.hooks.HookPoint;
import dev.selfconnect.hooks.JdkHooks;
import dev.selfconnect.netty.NettyModule;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The transformer on the real class files of the JDK that runs the test. */
class ConnectTransformerTest {

    private final Protection protection = new Protection(JdkHooks.POINTS, ConnectInstrumentation.javaFeature());
    private final ConnectTransformer transformer = new ConnectTransformer(JdkHooks.POINTS, protection);

    @Test
    void everyPointThatFitsThisJdkIsFoundAndHookedOnce() throws IOException {
        for (Map.Entry<String, List<HookPoint>> owner : ConnectTransformer.byOwner(JdkHooks.POINTS).entrySet()) {
            byte[] original = classFile(owner.getKey());
            byte[] woven = transformer.transform(null, owner.getKey(), null, null, original);
            assertNotNull(woven, owner.getKey());
            List<String> expected = new ArrayList<>();
            for (HookPoint point : owner.getValue()) {
                if (point.fits(ConnectInstrumentation.javaFeature())) {
                    expected.add(point.method() + point.descriptor());
                }
            }
            assertEquals(expected.stream().sorted().toList(), methodsCallingTheBridge(woven).stream().sorted().toList(),
                    owner.getKey());
            assertEquals(List.of(), methodsCallingTheBridge(original), owner.getKey());
        }
        protection.verify();
        assertEquals(List.of(), protection.missing());
        assertEquals(List.of("Socket", "SocketChannel", "AsynchronousSocketChannel"), protection.protectedFamilies());
        assertEquals("protects Socket, SocketChannel, AsynchronousSocketChannel", protection.describe());
    }

    @Test
    void wovenBytesAreRecognisedAndNeverWovenTwice() throws IOException {
        byte[] original = classFile("java/net/Socket");
        List<HookPoint> points = ConnectTransformer.byOwner(JdkHooks.POINTS).get("java/net/Socket");
        assertFalse(ConnectTransformer.hookedPoints(original, points, new ArrayList<>()));
        byte[] woven = transformer.transform(null, "java/net/Socket", null, null, original);
        assertTrue(ConnectTransformer.hookedPoints(woven, points, new ArrayList<>()));
        // What a retransformation hands the transformer after the load-time weaving: left as it is.
        assertNull(transformer.transform(null, "java/net/Socket", Object.class, null, woven));
        assertEquals(1, transformer.wovenCount());
    }

    /**
     * A JVM may keep the bridge's name in the constant pool of a class restored after a detach: only a call from a
     * hook point counts as woven, so a re-attach weaves it again.
     */
    @Test
    void theBridgesNameInTheConstantPoolAloneIsNotAHook() throws IOException {
        byte[] original = classFile("java/net/Socket");
        ClassReader reader = new ClassReader(original);
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(writer, 0);
        writer.newMethod(ConnectTransformer.BRIDGE, "afterConnect", "(Ljava/lang/Object;I)V", false);
        byte[] restoredWithTheName = writer.toByteArray();
        List<HookPoint> points = ConnectTransformer.byOwner(JdkHooks.POINTS).get("java/net/Socket");

        assertFalse(ConnectTransformer.hookedPoints(restoredWithTheName, points, new ArrayList<>()));
        assertNotNull(transformer.transform(null, "java/net/Socket", Object.class, null, restoredWithTheName));
    }

    @Test
    void aMissingMethodIsReportedAsUnprotected() throws IOException {
        HookPoint absent = new HookPoint("java/net/Socket", "connectSomewhereElse", "()V",
                dev.selfconnect.hooks.HookKind.CONNECT_COMPLETED, JdkHooks.SOCKET, "Socket", 8, HookPoint.ANY_LATER);
        Protection ours = new Protection(List.of(absent), ConnectInstrumentation.javaFeature());
        new ConnectTransformer(List.of(absent), ours).transform(null, "java/net/Socket", null, null,
                classFile("java/net/Socket"));

        ours.verify();

        assertEquals(List.of("Socket (Socket.connectSomewhereElse: method not found)"), ours.missing());
        assertEquals("protects nothing; NOT protected: Socket (Socket.connectSomewhereElse: method not found)",
                ours.describe());
    }

    @Test
    void touchesNothingElse() throws IOException {
        byte[] socket = classFile("java/net/Socket");
        assertNull(transformer.transform(null, "java/net/ServerSocketX", null, null, socket));
        assertNull(transformer.transform(getClass().getClassLoader(), "java/net/Socket", null, null, socket));
        assertNull(transformer.transform(null, null, null, null, socket));
        assertArrayEquals(classFile("java/net/Socket"), socket, "the input is not modified");
        assertEquals(0, transformer.wovenCount());
    }

    @Test
    void aLibrarysNamePointIsWovenAtTheEntryOfTheJdksMethod() throws IOException {
        List<HookPoint> points = NettyModule.MODULE.points();
        Protection libraryProtection = new Protection(points, ConnectInstrumentation.javaFeature());
        ConnectTransformer library = new ConnectTransformer(points, libraryProtection);
        String owner = points.get(0).owner();
        byte[] original = classFile(owner);

        byte[] woven = library.transform(null, owner, null, null, original);

        assertNotNull(woven, points.get(0) + " not found on this JDK");
        assertEquals(List.of(points.get(0).method() + points.get(0).descriptor()), methodsCallingTheBridge(woven));
        assertEquals(List.of(), methodsCallingTheBridge(original));
        assertTrue(ConnectTransformer.hookedPoints(woven, points, new ArrayList<>()));
        libraryProtection.verify();
        assertEquals(List.of(), libraryProtection.missing());
        assertNull(library.transform(null, "java/nio/file/Files", null, null, classFile("java/nio/file/Files")));
        assertNull(library.transform(ClassLoader.getSystemClassLoader(), owner, null, null, original));
    }

    @Test
    void aLibrarysFamiliesJoinTheProtectionAsTheyAreHooked() {
        Protection protection = new Protection(List.of(), ConnectInstrumentation.javaFeature());
        protection.verify();
        protection.libraryHooked("Netty epoll (io.grpc.netty.shaded)");
        protection.libraryNotHooked("Netty io_uring (io.netty)", "fulfillConnectPromise not found");
        protection.libraryNotHooked("Netty epoll (io.grpc.netty.shaded)", "ignored: that copy is hooked");

        assertEquals("protects Netty epoll (io.grpc.netty.shaded); NOT protected: Netty io_uring (io.netty) (fulfillConnectPromise not found)", protection.describe());
        protection.libraryHooked("Netty io_uring (io.netty)");
        assertEquals(List.of(), protection.librariesNotProtected());
    }

    @Test
    void targetNamesMatchThePoints() {
        List<String> names = HookPoint.ownerClassNames(JdkHooks.POINTS);
        assertTrue(names.contains("java.net.Socket"));
        assertTrue(names.contains("sun.nio.ch.SocketChannelImpl"));
        assertEquals(ConnectTransformer.byOwner(JdkHooks.POINTS).size(), names.size());
    }

    private static byte[] classFile(String internalName) throws IOException {
        try (InputStream in = ClassLoader.getSystemResourceAsStream(internalName + ".class")) {
            assertNotNull(in, internalName + " is not in this JDK");
            return in.readAllBytes();
        }
    }

    /** name+descriptor of each method that contains a call to the bridge. */
    private static List<String> methodsCallingTheBridge(byte[] classFile) {
        List<String> methods = new ArrayList<>();
        new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    private boolean added;

                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String methodDescriptor,
                                                boolean isInterface) {
                        if (owner.equals(ConnectTransformer.BRIDGE) && !added) {
                            methods.add(name + descriptor);
                            added = true;
                        }
                    }
                };
            }
        }, 0);
        return methods;
    }
}
