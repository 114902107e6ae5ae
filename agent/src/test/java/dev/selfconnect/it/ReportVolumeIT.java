package dev.selfconnect.it;

import dev.selfconnect.it.ChildJvm.Jdk;
import dev.selfconnect.it.ChildJvm.Result;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The log's volume is bounded: ten self-connections to one endpoint in a row give one WARN record by default (the
 * repeats are counted, the summary and the counters are exact), and ten with report-interval=0. The RISK record of
 * the same connect does not print the frames again.
 */
class ReportVolumeIT {

    @TestFactory
    Stream<DynamicTest> repeatsAreFoldedIntoACount() {
        return ChildJvm.jdks().stream().flatMap(jdk -> Stream.of(
                DynamicTest.dynamicTest(jdk + ": default interval", () -> folded(jdk)),
                DynamicTest.dynamicTest(jdk + ": report-interval=0", () -> everyRecord(jdk))));
    }

    private static void folded(Jdk jdk) {
        Result r = ChildJvm.on(jdk).agent(null).runScenario("socket-ten-times");

        assertTrue(r.hasResult("connected 10 times"), r::toString);
        assertEquals(1, r.warnings().size(), r::toString);
        // The risk findings: the connect, and the scenario's own listener on the port once it is free again.
        assertTrue(r.agentLines("SUMMARY").get(0).startsWith("[selfconnect] SUMMARY 10 self-connection(s), 2 risk"
                + " finding(s), 0 SelfConnectException(s) thrown, 10 connect(s) checked; service.name="), r::toString);
        List<String> risk = r.stderr().lines().dropWhile(l -> !l.startsWith("[selfconnect] RISK ")).limit(2).toList();
        assertEquals("\t(frames as in the self-connection record above)", risk.get(1), r::toString);
    }

    private static void everyRecord(Jdk jdk) {
        Result r = ChildJvm.on(jdk).agent("report-interval=0").runScenario("socket-ten-times");

        assertTrue(r.hasResult("connected 10 times"), r::toString);
        assertEquals(10, r.warnings().size(), r::toString);
    }
}
