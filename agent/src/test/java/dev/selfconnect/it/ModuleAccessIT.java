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
 * The agent reaches java.base's internals through a module of its own: an application class sees exactly the module
 * access it has without the agent (Netty's NIO transport, for one, probes it and changes behaviour).
 */
class ModuleAccessIT {

    @TestFactory
    Stream<DynamicTest> anApplicationClassSeesTheSameModuleAccessWithAndWithoutTheAgent() {
        return ChildJvm.jdks().stream().map(jdk -> DynamicTest.dynamicTest(jdk + ": same module access",
                () -> compare(jdk)));
    }

    private static void compare(Jdk jdk) {
        Result without = ChildJvm.on(jdk).portRange("40000 40010").runScenario("module-access");
        Result with = ChildJvm.on(jdk).portRange("40000 40010").agent("mode=throw").runScenario("module-access");

        List<String> expected = without.results();
        assertTrue(expected.contains("RESULT sun.nio.ch open=false exported=false"), without::toString);
        assertTrue(expected.contains("RESULT sun.nio.ch.Net trySetAccessible=false"), without::toString);
        assertEquals(expected, with.results(), with::toString);
        assertEquals(1, with.agentLines("INFO").size(), with::toString);
    }
}
