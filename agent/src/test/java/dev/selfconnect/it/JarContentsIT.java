package dev.selfconnect.it;

import dev.selfconnect.architecture.ClassFile;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped jar: the agent, the bridge, and of its two dependencies only what the agent uses (Byte Buddy's core
 * ASM package for the weaving, byte-buddy-agent for the attach tool), relocated; the agent's manifest.
 */
class JarContentsIT {

    /**
     * Bounds with room for the agent to grow: when they were set the jar held 213 entries, 379 KB and 113 relocated
     * classes; with the whole of Byte Buddy it held 3,263 entries and 4.9 MB.
     */
    private static final int MAX_ENTRIES = 400;
    private static final long MAX_BYTES = 768 * 1024;
    private static final int MAX_RELOCATED_CLASSES = 150;

    private static final String SHADED = "dev/selfconnect/shaded/bytebuddy/";
    private static final List<Pattern> ALLOWED = Stream.of(
            "dev/selfconnect/(?!shaded/).+\\.class",
            "sun/nio/ch/SelfConnectBridge\\.class",
            SHADED + "jar/asm/[^/]+\\.class",
            SHADED + "agent/.+\\.class",
            "META-INF/(MANIFEST\\.MF|LICENSE|NOTICE|licenses/ASM)",
            "META-INF/(licenses/)?|sun/(nio/(ch/)?)?|dev/(selfconnect/(.+/)?)?"
    ).map(Pattern::compile).toList();

    @Test
    void holdsTheAgentAndWhatItUsesOnly() throws IOException {
        List<String> unexpected = new ArrayList<>();
        int entries = 0;
        int relocatedClasses = 0;
        try (JarFile jar = new JarFile(ChildJvm.AGENT_JAR.toFile())) {
            for (JarEntry entry : Collections.list(jar.entries())) {
                String name = entry.getName();
                entries++;
                if (name.startsWith(SHADED) && name.endsWith(".class")) {
                    relocatedClasses++;
                }
                if (ALLOWED.stream().noneMatch(p -> p.matcher(name).matches())) {
                    unexpected.add(name);
                }
            }
        }
        assertEquals(List.of(), unexpected.stream().limit(20).toList(), unexpected.size() + " unexpected entries");
        assertTrue(relocatedClasses <= MAX_RELOCATED_CLASSES, "relocated Byte Buddy classes: " + relocatedClasses
                + ", at most " + MAX_RELOCATED_CLASSES);
        assertTrue(entries <= MAX_ENTRIES, "entries: " + entries + ", at most " + MAX_ENTRIES);
        long bytes = Files.size(ChildJvm.AGENT_JAR);
        assertTrue(bytes <= MAX_BYTES, "jar size: " + bytes + " bytes, at most " + MAX_BYTES);
    }

    /**
     * Every agent or relocated class that a class in the jar names is in the jar, and nothing names Byte Buddy
     * under its own package: the filters that keep the jar small dropped nothing that is used.
     */
    @Test
    void everyClassTheJarNamesIsInIt() throws IOException {
        Map<String, ClassFile> classes = new TreeMap<>();
        try (JarFile jar = new JarFile(ChildJvm.AGENT_JAR.toFile())) {
            for (JarEntry entry : Collections.list(jar.entries())) {
                if (entry.getName().endsWith(".class")) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        ClassFile classFile = ClassFile.read(in.readAllBytes());
                        classes.put(classFile.name(), classFile);
                    }
                }
            }
        }
        List<String> missing = new ArrayList<>();
        List<String> unrelocated = new ArrayList<>();
        for (ClassFile c : classes.values()) {
            for (String type : c.referencedTypes()) {
                if (type.startsWith("net/bytebuddy/")) {
                    unrelocated.add(c.name() + " names " + type);
                } else if ((type.startsWith("dev/selfconnect/") || type.startsWith("sun/nio/ch/SelfConnectBridge"))
                        && !classes.containsKey(type)) {
                    missing.add(c.name() + " names " + type);
                }
            }
        }
        assertEquals(List.of(), unrelocated, "Byte Buddy named under its own package");
        assertEquals(List.of(), missing, "classes named in the jar but not in it");
        for (String used : List.of("jar/asm/ClassReader", "jar/asm/ClassWriter", "agent/ByteBuddyAgent")) {
            assertTrue(classes.containsKey(SHADED + used), SHADED + used);
        }
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
            assertEquals("dev.selfconnect.cli.Main", attributes.getValue("Main-Class"));
            assertTrue(attributes.getValue("Implementation-Version").matches("\\d+\\.\\d+\\.\\d+.*"));
        }
    }
}
