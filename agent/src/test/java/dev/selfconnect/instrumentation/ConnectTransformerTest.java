package dev.selfconnect.instrumentation;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
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

/** The transformer on the real class files of the JDK that runs the test (17 and 25). */
class ConnectTransformerTest {

    private final ConnectTransformer transformer = new ConnectTransformer();

    @Test
    void everyPointIsFoundAndHookedOnceInThisJdk() throws IOException {
        for (Map.Entry<String, List<ConnectPoint>> owner : ConnectPoint.byOwner().entrySet()) {
            byte[] original = classFile(owner.getKey());
            byte[] woven = transformer.transform(null, owner.getKey(), null, null, original);
            assertNotNull(woven, owner.getKey());
            List<String> expected = new ArrayList<>();
            for (ConnectPoint point : owner.getValue()) {
                expected.add(point.method + point.descriptor);
            }
            assertEquals(expected.stream().sorted().toList(), methodsCallingTheBridge(woven).stream().sorted().toList(),
                    owner.getKey());
            assertEquals(List.of(), methodsCallingTheBridge(original), owner.getKey());
        }
    }

    @Test
    void wovenBytesAreRecognisedAndNeverWovenTwice() throws IOException {
        byte[] original = classFile("java/net/Socket");
        assertFalse(ConnectTransformer.isWoven(original));
        byte[] woven = transformer.transform(null, "java/net/Socket", null, null, original);
        assertTrue(ConnectTransformer.isWoven(woven));
        // What a retransformation hands the transformer after the load-time weaving: left as it is.
        assertNull(transformer.transform(null, "java/net/Socket", Object.class, null, woven));
        assertEquals(1, transformer.wovenCount());
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
    void targetNamesMatchThePoints() {
        assertTrue(ConnectPoint.isTarget("java.net.Socket"));
        assertTrue(ConnectPoint.isTarget("sun.nio.ch.SocketChannelImpl"));
        assertFalse(ConnectPoint.isTarget("java/net/Socket"));
        assertFalse(ConnectPoint.isTarget("java.net.SocketImpl"));
        assertEquals(ConnectPoint.byOwner().size(), ConnectPoint.targetClassNames().size());
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
