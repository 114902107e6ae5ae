package dev.selfconnect.it;

import dev.selfconnect.it.ChildJvm.Jdk;
import dev.selfconnect.it.ChildJvm.Result;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nothing of the agent runs at the exit of a JVM that reported nothing: its report queue registers the exit hook (the
 * queue drained, then the SUMMARY lines) with its first report. The scenarios read the JDK's table of shutdown hooks.
 */
class ExitHookIT {

    private static final String HOOK = "selfconnect-summary";

    @TestFactory
    List<DynamicNode> theExitHookComesWithTheFirstReport() {
        List<DynamicNode> tests = new ArrayList<>();
        for (Jdk jdk : ChildJvm.jdks()) {
            tests.add(DynamicTest.dynamicTest(jdk + ": nothing reported, no hook", () -> {
                // risks=false: the scenario's last step binds a server to the port, a risk finding otherwise
                Result r = jvm(jdk, "risks=false").runScenario("exit-hooks");
                assertTrue(r.hasResult("exit hooks []"), r::toString);
                assertEquals(1, r.agentLines("INFO").size(), r::toString);
                assertEquals(List.of(), r.agentLines("SUMMARY"), r::toString);
            }));
            tests.add(DynamicTest.dynamicTest(jdk + ": a self-connection reported, the hook and the summary", () -> {
                Result r = jvm(jdk, null).runScenario("socket-connect-exit-hooks");
                assertTrue(r.hasResult("connected local=127.0.0.1:40000 remote=127.0.0.1:40000"), r::toString);
                assertTrue(r.hasResult("exit hooks [" + HOOK + "]"), r::toString);
                assertTrue(r.agentLines("SUMMARY").get(0).startsWith("[selfconnect] SUMMARY 1 self-connection(s)"),
                        r::toString);
            }));
            tests.add(DynamicTest.dynamicTest(jdk + ": mode=throw: the summary ends with the fix", () -> {
                Result r = jvm(jdk, "mode=throw").runScenario("socket-connect-exit-hooks");
                List<String> summary = r.agentLines("SUMMARY");
                assertTrue(summary.get(0).startsWith("[selfconnect] SUMMARY 1 self-connection(s), 0 risk finding(s),"
                        + " 1 SelfConnectException(s) thrown"), r::toString);
                assertEquals("[selfconnect] SUMMARY fix: reserve it with 'sysctl -w"
                        + " net.ipv4.ip_local_reserved_ports=40000' (persist it in /etc/sysctl.d), or move it out of"
                        + " 40000-40000", summary.get(summary.size() - 1), r::toString);
            }));
        }
        return tests;
    }

    private static ChildJvm jvm(Jdk jdk, String agentArguments) {
        ChildJvm jvm = ChildJvm.on(jdk).portRange("40000 40000").agent(agentArguments);
        return jdk.atLeast(9) ? jvm.jvmOption("--add-opens=java.base/java.lang=ALL-UNNAMED") : jvm;
    }
}
