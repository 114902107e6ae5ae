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
        return ChildJvm.jdks().stream().map(jdk -> jdk.atLeast(9)
                ? DynamicTest.dynamicTest(jdk + ": same module access", () -> compare(jdk))
                : DynamicTest.dynamicTest(jdk + ": no modules before Java 9", () -> noModules(jdk)));
    }

    private static void noModules(Jdk jdk) {
        Result with = ChildJvm.on(jdk).portRange("40000 40010").agent("mode=throw").runScenario("module-access");
        assertTrue(with.results().contains("RESULT connected true"), with::toString);
        assertTrue(with.hasResult("unavailable modules: needs Java 9"), with::toString);
        assertEquals(1, with.agentLines("INFO").size(), with::toString);
        assertEquals(List.of(), with.agentLines("ERROR"), with::toString);
    }

    private static void compare(Jdk jdk) {
        Result without = ChildJvm.on(jdk).portRange("40000 40010").runScenario("module-access");
        Result with = ChildJvm.on(jdk).portRange("40000 40010").agent("mode=throw").runScenario("module-access");

        List<String> expected = without.results();
        // Java 9 to 15 open the JDK's packages to the class path by default (--illegal-access=permit).
        boolean strong = jdk.atLeast(16);
        assertTrue(expected.contains("RESULT sun.nio.ch open=" + !strong + " exported=" + !strong), without::toString);
        assertTrue(expected.contains("RESULT sun.nio.ch.Net trySetAccessible=" + !strong), without::toString);
        assertEquals(expected, with.results(), with::toString);
        assertEquals(1, with.agentLines("INFO").size(), with::toString);
    }
}
