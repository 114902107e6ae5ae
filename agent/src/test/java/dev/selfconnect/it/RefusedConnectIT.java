package dev.selfconnect.it;

import dev.selfconnect.it.ChildJvm.Jdk;
import dev.selfconnect.it.ChildJvm.Result;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A connect refused by a local port inside the ephemeral range that is not reserved is a risk finding, once per
 * endpoint, like a completed one; the application's exception is unchanged. A refusal outside the range is not. The
 * JVMs verify every class (-Xverify:all), the woven JDK classes included.
 */
class RefusedConnectIT {

    @TestFactory
    List<DynamicTest> refusedConnects() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Jdk jdk : ChildJvm.jdks()) {
            for (String scenario : List.of("socket-connect", "channel-blocking")) {
                tests.add(DynamicTest.dynamicTest(jdk + ": " + scenario + " refused inside the range",
                        () -> insideTheRange(jdk, scenario)));
            }
            tests.add(DynamicTest.dynamicTest(jdk + ": refused outside the range", () -> outsideTheRange(jdk)));
        }
        return tests;
    }

    private static void insideTheRange(Jdk jdk, String scenario) {
        Result r = ChildJvm.on(jdk).portRange("40000 40010").jvmOption("-Xverify:all").agent(null)
                .runScenario(scenario, "127.0.0.1", "40005");

        assertTrue(r.results().get(0).startsWith("RESULT exception java.net.ConnectException: Connection refused"),
                r::toString);
        List<String> risks = r.agentLines("RISK");
        assertTrue(risks.get(0).startsWith("[selfconnect] RISK connect to 127.0.0.1:40005 via "), r::toString);
        assertTrue(risks.get(0).contains(" found nothing listening: port 40005 lies in the ephemeral port range"
                + " 40000-40010 (net.ipv4.ip_local_port_range) and is not reserved, so a next attempt may connect to"
                + " itself; reserve it with 'sysctl -w net.ipv4.ip_local_reserved_ports=40005'"), r::toString);
        assertEquals(List.of(), r.agentLines("ERROR"), r::toString);
    }

    private static void outsideTheRange(Jdk jdk) {
        Result r = ChildJvm.on(jdk).portRange("40000 40010").agent(null).runScenario("socket-connect", "127.0.0.1",
                "5556");

        assertTrue(r.results().get(0).startsWith("RESULT exception java.net.ConnectException: Connection refused"),
                r::toString);
        assertEquals(List.of(), r.agentLines("RISK"), r::toString);
    }
}
