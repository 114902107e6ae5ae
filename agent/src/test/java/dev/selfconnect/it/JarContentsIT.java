package dev.selfconnect.it;

import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped jar: the agent, the bridge and relocated Byte Buddy, nothing else; the agent's manifest. */
class JarContentsIT {

    @Test
    void holdsTheAgentAndRelocatedByteBuddyOnly() throws IOException {
        List<String> unexpected = new ArrayList<>();
        int byteBuddyClasses = 0;
        try (JarFile jar = new JarFile(ChildJvm.AGENT_JAR.toFile())) {
            for (JarEntry entry : Collections.list(jar.entries())) {
                String name = entry.getName();
                if (name.startsWith("dev/selfconnect/shaded/bytebuddy/")) {
                    byteBuddyClasses += name.endsWith(".class") ? 1 : 0;
                } else if (!(entry.isDirectory()
                        || name.startsWith("dev/selfconnect/") && name.endsWith(".class")
                        || name.equals("sun/nio/ch/SelfConnectBridge.class")
                        || List.of("META-INF/MANIFEST.MF", "META-INF/LICENSE", "META-INF/NOTICE",
                        "META-INF/licenses/ASM").contains(name))) {
                    unexpected.add(name);
                }
            }
        }
        assertEquals(List.of(), unexpected);
        assertTrue(byteBuddyClasses > 1000, "relocated Byte Buddy classes: " + byteBuddyClasses);
    }

    @Test
    void agentClassesLoadOnJava8() throws IOException {
        try (JarFile jar = new JarFile(ChildJvm.AGENT_JAR.toFile())) {
            for (String name : List.of("dev/selfconnect/agent/SelfConnectAgent.class",
                    "dev/selfconnect/detection/ConnectGuard.class", "sun/nio/ch/SelfConnectBridge.class")) {
                try (InputStream in = jar.getInputStream(jar.getEntry(name))) {
                    DataInputStream data = new DataInputStream(in);
                    assertEquals(0xCAFEBABE, data.readInt(), name);
                    data.readUnsignedShort();
                    assertEquals(52, data.readUnsignedShort(), name + " must be Java 8 class file version");
                }
            }
        }
    }

    @Test
    void manifestDeclaresTheAgent() throws IOException {
        try (JarFile jar = new JarFile(ChildJvm.AGENT_JAR.toFile())) {
            Attributes attributes = jar.getManifest().getMainAttributes();
            assertEquals("dev.selfconnect.agent.SelfConnectAgent", attributes.getValue("Premain-Class"));
            assertEquals("dev.selfconnect.agent.SelfConnectAgent", attributes.getValue("Agent-Class"));
            assertEquals("true", attributes.getValue("Can-Retransform-Classes"));
            assertEquals("true", attributes.getValue("Can-Redefine-Classes"));
            // java -jar selfconnect.jar list|attach|status|detach (issue 7)
            assertEquals("dev.selfconnect.cli.Main", attributes.getValue("Main-Class"));
            assertTrue(attributes.getValue("Implementation-Version").matches("\\d+\\.\\d+\\.\\d+.*"));
        }
    }
}
