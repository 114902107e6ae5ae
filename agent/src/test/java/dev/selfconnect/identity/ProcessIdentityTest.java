package dev.selfconnect.identity;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class ProcessIdentityTest {

    private static final String ID = "0123456789abcdef".repeat(4);

    @Test
    void theLineQuotesAValueThatCouldPassForAnotherField() {
        ProcessIdentity identity = new ProcessIdentity("orders api process.pid=1", "test", "web-1", 4242, 0, ID,
                "orders-7d9f", "shop", "1.2.3");
        assertEquals("service.name=\"orders api process.pid=1\" host.name=web-1 process.pid=4242"
                + " process.creation.time=1970-01-01T00:00:00.000Z container.id=" + ID
                + " k8s.pod.name=orders-7d9f k8s.namespace.name=shop selfconnect.version=1.2.3", identity.describe());
        assertEquals("service.name=\"orders api process.pid=1\" host.name=web-1 process.pid=4242"
                + " container.id=0123456789ab k8s.namespace.name=shop k8s.pod.name=orders-7d9f"
                + " selfconnect.version=1.2.3", identity.describeShort());
    }

    @Test
    void theServiceSettingReplacesTheResolvedService() {
        ProcessIdentity identity = new ProcessIdentity("app", "the main class or jar", "h", 1, -1, null, null, null,
                "v");
        assertSame(identity, identity.withService(null));
        ProcessIdentity set = identity.withService("orders-api");
        assertEquals("orders-api", set.serviceName);
        assertEquals("setting service", set.serviceSource);
        assertEquals("service.name=orders-api host.name=h process.pid=1 selfconnect.version=v", set.describe());
    }

    @Test
    void quotedValuesEscapeQuotesAndBackslashes() {
        assertEquals("\"a\\\"b\\\\c\"", UntrustedText.quotedIfNeeded("a\"b\\c"));
        assertEquals("\"\"", UntrustedText.quotedIfNeeded(""));
        assertEquals("orders-api:v2/eu@x+y", UntrustedText.quotedIfNeeded("orders-api:v2/eu@x+y"));
    }

    @Test
    void boundedTextReplacesWhatCouldForgeALineAndKeepsPairsWhole() {
        assertEquals("a?b?c?d?e", UntrustedText.bounded(" a\rb\u0085c\u202ed\u2028e "));
        assertEquals(null, UntrustedText.bounded(" \t "));
        String emoji = "x".repeat(UntrustedText.MAX_LENGTH - 1) + "\ud83d\ude00";
        String bounded = UntrustedText.bounded(emoji);
        assertEquals(UntrustedText.MAX_LENGTH, bounded.length());
        assertEquals("...", bounded.substring(bounded.length() - 3));
        assertEquals("lone ?", UntrustedText.bounded("lone \ud800"));
    }

    @Test
    void theStartTimeComesFromProcStatAndTheBootTime() {
        String stat = "4242 (java (weird) name) S 1 4242 4242 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 30 0 12345 1000 100";
        String system = "cpu  1 2 3\nbtime 1765134000\nprocesses 9\n";
        assertEquals(1765134000_000L + 123450, AgentIdentity.startMillis(stat, system));
        assertEquals(-1, AgentIdentity.startMillis(stat, "cpu 1\n"));
    }
}
