package dev.selfconnect.it;

import dev.selfconnect.it.ChildJvm.Jdk;
import dev.selfconnect.it.ChildJvm.Result;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Under a security manager (JDK 8 to 23): a policy that grants the agent nothing leaves the application running with
 * one line that says why nothing is checked; a policy that grants the agent jar AllPermission, and the application
 * only what it needs, has every self-connection rejected and its port freed, the application's frames on the stack
 * notwithstanding.
 */
class SecurityManagerIT {

    private static final int LAST_JDK_WITH_A_SECURITY_MANAGER = 23;

    @TempDir
    Path dir;

    @TestFactory
    List<DynamicTest> underASecurityManager() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Jdk jdk : ChildJvm.jdks()) {
            int feature = Integer.parseInt(jdk.name().replaceAll("\\D", ""));
            if (feature > LAST_JDK_WITH_A_SECURITY_MANAGER) {
                tests.add(DynamicTest.dynamicTest(jdk + ": no security manager since JDK 24 (JEP 486), the JVM"
                        + " refuses to start with one", () -> noSecurityManager(jdk)));
                continue;
            }
            tests.add(DynamicTest.dynamicTest(jdk + ": a policy that grants the agent nothing",
                    () -> grantsNothing(jdk, feature)));
            for (String scenario : List.of("socket-connect", "channel-blocking", "async-future")) {
                tests.add(DynamicTest.dynamicTest(jdk + ": the agent granted AllPermission, " + scenario,
                        () -> grantsTheAgent(jdk, feature, scenario)));
            }
        }
        return tests;
    }

    private static String enable(int feature) {
        return feature >= 18 ? "-Djava.security.manager=allow" : "-Djava.security.manager";
    }

    private void grantsNothing(Jdk jdk, int feature) {
        Result r = ChildJvm.on(jdk).agent("mode=throw").jvmOption(enable(feature)).runScenario("socket-connect");

        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.results().contains("RESULT connected local=127.0.0.1:40000 remote=127.0.0.1:40000")
                || r.hasResult("exception java.security.AccessControlException"), r::toString);
        List<String> errors = r.agentLines("ERROR");
        assertEquals(1, errors.size(), r::toString);
        assertTrue(errors.get(0).contains(" is not active: the security policy does not grant the agent what it"
                + " needs"), r::toString);
    }

    private void grantsTheAgent(Jdk jdk, int feature, String scenario) throws IOException {
        Path policy = dir.resolve("selfconnect.policy");
        Files.writeString(policy, "grant codeBase \"file:" + ChildJvm.AGENT_JAR.toAbsolutePath() + "\" {\n"
                + "  permission java.security.AllPermission;\n};\n"
                + "grant codeBase \"file:" + AttachHarness.TEST_CLASSES + "/\" {\n"
                + "  permission java.net.SocketPermission \"*\", \"connect,accept,listen,resolve\";\n"
                + "  permission java.util.PropertyPermission \"*\", \"read\";\n};\n");
        Result r = ChildJvm.on(jdk).agent("mode=throw").jvmOption(enable(feature))
                .jvmOption("-Djava.security.policy==" + policy).runScenario(scenario);

        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.hasResult("exception dev.selfconnect.SelfConnectException: Connection refused: self-connection"
                + " 127.0.0.1:40000 -> 127.0.0.1:40000"), r::toString);
        assertTrue(r.hasResult("rebind ok"), "the port must be free for the real server\n" + r);
        assertEquals(List.of(), r.agentLines("ERROR"), r::toString);
    }

    private static void noSecurityManager(Jdk jdk) {
        Result r = ChildJvm.on(jdk).jvmOption("-Djava.security.manager").runScenario("socket-connect");

        assertNotEquals(0, r.exitCode(), r::toString);
    }
}
