package dev.selfconnect.netty;

import dev.selfconnect.architecture.ClassFile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The weaving of the JDK's temporary-file creation, on this JDK's own class file. */
class ExtractionHookTest {

    private static final String BRIDGE_CALL = "sun/nio/ch/SelfConnectBridge.beforeTempFile:(Ljava/lang/Object;)V";

    @Test
    void weavesTheJdksTemporaryFileCreation() throws IOException {
        byte[] original = jdkClassFile(ExtractionHook.TEMP_FILES);

        byte[] woven = new ExtractionHook().transform(null, ExtractionHook.TEMP_FILES, null, null, original);

        assertNotNull(woven, "createTempFile(Path, String, String, FileAttribute[]) not found on this JDK");
        assertTrue(ClassFile.read(woven).memberReferences().contains(BRIDGE_CALL));
        assertTrue(!ClassFile.read(original).memberReferences().contains(BRIDGE_CALL));
    }

    @Test
    void leavesOtherClassesAndRetransformationsAlone() throws IOException {
        byte[] original = jdkClassFile(ExtractionHook.TEMP_FILES);
        ExtractionHook hook = new ExtractionHook();

        assertNull(hook.transform(null, "java/nio/file/Files", null, null, jdkClassFile("java/nio/file/Files")));
        assertNull(hook.transform(ClassLoader.getSystemClassLoader(), ExtractionHook.TEMP_FILES, null, null,
                original));
        assertNull(hook.transform(null, ExtractionHook.TEMP_FILES, Object.class, null, original));
    }

    private static byte[] jdkClassFile(String internalName) throws IOException {
        try (InputStream in = Object.class.getResourceAsStream("/" + internalName + ".class")) {
            assertNotNull(in, internalName);
            return in.readAllBytes();
        }
    }
}
