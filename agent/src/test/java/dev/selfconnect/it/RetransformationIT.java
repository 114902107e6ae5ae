package dev.selfconnect.it;

import dev.selfconnect.it.ChildJvm.Jdk;
import dev.selfconnect.it.ChildJvm.Result;
import org.junit.jupiter.api.DynamicContainer;
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
 * The agent weaves at startup with a transformer it removes once every target class is loaded (so that it costs
 * nothing per class afterwards). Another agent that retransforms those classes later, as JFR does on JDK 17 when a
 * recording starts, must not lose the hooks: the woven bytes are what every retransformation starts from.
 */
class RetransformationIT {

    @TempDir
    static Path directory;

    @TestFactory
    List<DynamicNode> hooksSurviveAnotherAgentsRetransformation() throws IOException {
        Path secondAgent = secondAgentJar();
        List<DynamicNode> nodes = new ArrayList<>();
        for (Jdk jdk : ChildJvm.jdks()) {
            List<DynamicNode> tests = new ArrayList<>();
            for (String[] path : new String[][] {{"socket-connect", "Socket"}, {"channel-blocking", "SocketChannel"},
                {"channel-nonblocking", "SocketChannel"}, {"async-future", "AsynchronousSocketChannel"}}) {
                tests.add(DynamicTest.dynamicTest(jdk + ": " + path[0], () -> {
                    Result result = ChildJvm.on(jdk)
                            .agent("mode=throw")
                            .jvmOption("-javaagent:" + secondAgent)
                            .runScenario(path[0]);
                    assertEquals(0, result.exitCode(), result::toString);
                    assertTrue(result.hasResult("retransformed 4 classes"), result::toString);
                    assertEquals(1, result.warnings().size(), result::toString);
                    assertTrue(result.warnings().get(0).contains("self-connection 127.0.0.1:40000 -> "
                            + "127.0.0.1:40000 via " + path[1] + " on thread"), result::toString);
                    assertTrue(result.hasResult("exception dev.selfconnect.SelfConnectException: Connection "
                            + "refused: self-connection 127.0.0.1:40000 -> 127.0.0.1:40000"), result::toString);
                    assertTrue(result.hasResult("rebind ok"), result::toString);
                }));
            }
            nodes.add(DynamicContainer.dynamicContainer(jdk.name(), tests));
        }
        return nodes;
    }

    /** A jar with only a manifest: the agent class itself is on the class path, in the test classes. */
    private static Path secondAgentJar() throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", "dev.selfconnect.scenarios.RetransformingAgent");
        manifest.getMainAttributes().putValue("Can-Retransform-Classes", "true");
        Path jar = directory.resolve("retransforming-agent.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream unused = new JarOutputStream(out, manifest)) {
            return jar;
        }
    }
}
