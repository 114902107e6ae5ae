package dev.selfconnect.architecture;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules of the bridge, {@code sun.nio.ch.SelfConnectBridge}: it is defined by the bootstrap class loader inside
 * java.base's package {@code sun.nio.ch} (on JDK 8, appended to the bootstrap search path), and the JDK's woven
 * connect and bind methods call it. The bootstrap loader sees no agent class and no library, so the bridge names only
 * {@code java.*} types and its own package: a reference to {@code dev.selfconnect.*} or to a third-party class would
 * fail with NoClassDefFoundError inside a JDK method the application called. The agent reaches it by reflection and
 * hands it callbacks typed by the JDK ({@code BiFunction}, {@code Consumer}); the bridge catches whatever those
 * throw, and lets only the exception that the guard returns reach the application.
 */
class BridgeRulesTest {

    private static final String BRIDGE = "sun/nio/ch/SelfConnectBridge";

    @Test
    void bridgeNamesOnlyJavaTypesAndItsOwnPackage() throws IOException {
        List<ClassFile> bridge = bridgeClasses();
        assertTrue(bridge.stream().anyMatch(c -> c.name().equals(BRIDGE)), "the bridge's class file is missing");

        Set<String> referenced = new TreeSet<>();
        bridge.forEach(c -> referenced.addAll(c.referencedTypes()));
        assertTrue(referenced.contains("java/util/function/BiFunction"), "types read from the bridge: " + referenced);

        Set<String> forbidden = new TreeSet<>();
        for (String type : referenced) {
            if (!type.startsWith("java/") && !ClassFile.packageOf(type).equals("sun.nio.ch")) {
                forbidden.add(type.replace('/', '.'));
            }
        }
        assertEquals(Set.of(), forbidden, "the bridge runs in the bootstrap loader and may name only java.* types and "
                + "its own package sun.nio.ch; it names");
    }

    /** The bridge and any class nested in it. */
    private static List<ClassFile> bridgeClasses() throws IOException {
        Path directory = ClassFile.compiledAgentClasses().resolve("sun/nio/ch");
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().matches("SelfConnectBridge(\\$.*)?\\.class"))
                    .map(f -> {
                        try {
                            return ClassFile.read(Files.readAllBytes(f));
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .toList();
        }
    }
}
