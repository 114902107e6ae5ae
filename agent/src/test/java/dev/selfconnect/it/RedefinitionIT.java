package dev.selfconnect.it;

import dev.selfconnect.it.ChildJvm.Jdk;
import dev.selfconnect.it.ChildJvm.Result;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Another agent redefines java.net.Socket with the class file the JDK ships, as a debugger's HotSwap or Byte Buddy's
 * REDEFINITION strategy does, after the agent has woven it and removed its transformer: the hook is gone. The agent's
 * probe (every report-interval, here one second) finds it gone, says so in one WARN line naming the path, weaves the
 * class again, says it is restored, and the next self-connection is refused in throw mode.
 */
class RedefinitionIT {

    @TempDir
    static Path directory;

    @TestFactory
    List<DynamicNode> aHookRemovedByARedefinitionIsReportedAndRestored() throws IOException {
        Path secondAgent = secondAgentJar();
        List<DynamicNode> tests = new ArrayList<>();
        for (Jdk jdk : ChildJvm.jdks()) {
            tests.add(DynamicTest.dynamicTest(jdk + ": Socket redefined", () -> {
                Result result = ChildJvm.on(jdk)
                        .agent("mode=throw,report-interval=1")
                        .jvmOption("-javaagent:" + secondAgent)
                        .runScenario("socket-connect");
                assertEquals(0, result.exitCode(), result::toString);
                assertTrue(result.hasResult("redefined java.net.Socket"), result::toString);
                assertTrue(result.hasResult("status says restored"), result::toString);
                List<String> warnings = result.warnings();
                assertEquals(2, warnings.size(), result::toString);
                assertTrue(warnings.get(0).startsWith("[selfconnect] WARN NOT protected: java.net.Socket.connect: its"
                        + " hook was removed by a redefinition of java.net.Socket by another tool"), result::toString);
                assertTrue(result.agentLines("INFO").stream().anyMatch(line -> line.startsWith("[selfconnect] INFO"
                        + " protection restored: java.net.Socket.connect is hooked again")), result::toString);
                assertTrue(warnings.get(1).contains("self-connection 127.0.0.1:40000 -> 127.0.0.1:40000 via Socket"),
                        result::toString);
                assertTrue(result.hasResult("exception dev.selfconnect.SelfConnectException: Connection refused:"
                        + " self-connection 127.0.0.1:40000 -> 127.0.0.1:40000"), result::toString);
                assertTrue(result.hasResult("rebind ok"), result::toString);
                assertTrue(result.agentLines("SUMMARY").stream().anyMatch(line -> line.endsWith(
                        "hooks removed by another tool's redefinition: 1, restored: 1")), result::toString);
            }));
        }
        return tests;
    }

    /** A jar with only a manifest: the agent class itself is on the class path, in the test classes. */
    private static Path secondAgentJar() throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", "dev.selfconnect.scenarios.RedefiningAgent");
        manifest.getMainAttributes().putValue("Can-Redefine-Classes", "true");
        Path jar = directory.resolve("redefining-agent.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream unused = new JarOutputStream(out, manifest)) {
            return jar;
        }
    }
}
