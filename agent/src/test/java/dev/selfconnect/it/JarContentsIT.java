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

    /**
     * Every agent class is a Java 8 class file, except those loaded only where Java 11 APIs exist: the JFR events
     * and the module access.
     */
    @Test
    void agentClassesLoadOnJava8() throws IOException {
        int checked = 0;
        try (JarFile jar = new JarFile(ChildJvm.AGENT_JAR.toFile())) {
            for (JarEntry entry : Collections.list(jar.entries())) {
                String name = entry.getName();
                if (!name.endsWith(".class") || name.startsWith("dev/selfconnect/shaded/")) {
                    continue;
                }
                boolean java11Only = name.startsWith("dev/selfconnect/jfr/")
                        || name.startsWith("dev/selfconnect/instrumentation/modular/");
                try (InputStream in = jar.getInputStream(entry)) {
                    DataInputStream data = new DataInputStream(in);
                    assertEquals(0xCAFEBABE, data.readInt(), name);
                    data.readUnsignedShort();
                    assertEquals(java11Only ? 55 : 52, data.readUnsignedShort(), name);
                }
                checked++;
            }
        }
        assertTrue(checked > 50, "agent classes checked: " + checked);
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
