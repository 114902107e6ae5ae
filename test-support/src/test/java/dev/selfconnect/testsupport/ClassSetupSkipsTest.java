package dev.selfconnect.testsupport;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

class ClassSetupSkipsTest {

    @Test
    void testsOfAClassWhoseSetUpLacksSomethingAreSkippedWithTheReason() {
        Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(LacksSomething.class)).execute()
                .testEvents();
        Events containers = EngineTestKit.engine("junit-jupiter").selectors(selectClass(LacksSomething.class))
                .execute().containerEvents();

        assertEquals(0, tests.started().count());
        assertEquals(List.of("no X: the tests need X", "no X: the tests need X"),
                tests.skipped().map(e -> e.getPayload(String.class).orElse("")).toList());
        assertEquals(0, containers.aborted().count() + containers.failed().count());
    }

    @ExtendWith(ClassSetupSkips.class)
    static class LacksSomething {
        @BeforeAll
        static void setUp() {
            Preconditions.require(false, "no X", "the tests need X", false);
        }

        @Test
        void one() {
        }

        @Test
        void two() {
        }
    }
}
