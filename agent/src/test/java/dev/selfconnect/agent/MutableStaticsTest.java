package dev.selfconnect.agent;

import dev.selfconnect.SelfConnectException;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's runtime state has one owner, the installation; what stays static, and why, is this list. Every class
 * file the agent's main code compiles to is read, and each static field that is neither final nor made by the
 * compiler is named: a new one fails here until it is added with its reason (and a comment at the field says it too).
 */
class MutableStaticsTest {

    /** Each with the reason it cannot belong to the installation object. */
    private static final Set<String> ALLOWED = Set.of(
            // premain and agentmain are static, and each later attach must find the agent in this JVM
            "dev.selfconnect.agent.AgentInstaller.inForce",
            // the MBean reads it on the platform MBean server's threads, without the installation
            "dev.selfconnect.state.AgentState.current",
            // every part of the agent writes lines, on any thread, without the installation
            "dev.selfconnect.reporting.AgentLog.output",
            // the audit's sinks, the MBean and the summary at exit read it on their own threads
            "dev.selfconnect.identity.AgentIdentity.resolved",
            // the jar is the JVM's, whichever installation reads it, and is asked from any thread
            "dev.selfconnect.instrumentation.AgentJar.atStart",
            // the JDK's hooked methods, in any class, call the bridge
            "sun.nio.ch.SelfConnectBridge.listeners");

    @Test
    void theAgentsMutableStaticFieldsAreTheListedOnes() throws IOException, URISyntaxException {
        Path classes = Paths.get(SelfConnectException.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Path> classFiles;
        try (Stream<Path> files = Files.walk(classes)) {
            classFiles = files.filter(f -> f.toString().endsWith(".class")).toList();
        }
        assertTrue(classFiles.size() > 100, "the agent's class files under " + classes + ": " + classFiles.size());
        assertTrue(classFiles.contains(classes.resolve("sun/nio/ch/SelfConnectBridge.class")), classes::toString);

        Set<String> mutable = new TreeSet<>();
        for (Path classFile : classFiles) {
            new ClassReader(Files.readAllBytes(classFile)).accept(new ClassVisitor(Opcodes.ASM9) {
                private String className;

                @Override
                public void visit(int version, int access, String name, String signature, String superName,
                                  String[] interfaces) {
                    className = name.replace('/', '.');
                }

                @Override
                public FieldVisitor visitField(int access, String name, String descriptor, String signature,
                                               Object value) {
                    if ((access & Opcodes.ACC_STATIC) != 0 && (access & Opcodes.ACC_FINAL) == 0
                            && (access & Opcodes.ACC_SYNTHETIC) == 0) {
                        mutable.add(className + "." + name);
                    }
                    return null;
                }
            }, ClassReader.SKIP_CODE);
        }
        assertEquals(new TreeSet<>(ALLOWED), mutable, "a mutable static field belongs to the installation, or is"
                + " listed here with the reason it cannot");
    }
}
