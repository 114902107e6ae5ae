package dev.selfconnect.audit;

import dev.selfconnect.identity.ProcessIdentity;
import dev.selfconnect.vocabulary.EventKind;
import dev.selfconnect.vocabulary.JsonText;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {

    private static final String CONTAINER = "0123456789abcdef".repeat(4);
    private static final ProcessIdentity IDENTITY = new ProcessIdentity("orders \"api\"\u2028", "test", "web-1",
            4242, Instant.parse("2026-12-07T19:00:00Z").toEpochMilli(), CONTAINER, "orders-7d9f", "shop", "1.2.3");
    private static final ProcessIdentity BARE = new ProcessIdentity("unknown_service:java", "test", "h", 1, -1,
            null, null, null, "1.2.3");

    @ParameterizedTest
    @ValueSource(strings = {"main", "pool-1 \"worker\"", "back\\slash", "tab\there", "new\nline", "cr\rlf",
        "nul\u0000bell\u0007esc\u001b", "del\u007f", "é ✓ 日本", "emoji \ud83d\ude00", "lone \ud800 high",
        "lone \udc00 low", "reversed \udc00\ud800", "sep\u2028\u2029", "</script>"})
    void anyStringSurvivesTheRoundTrip(String value) {
        String json = JsonText.string(new StringBuilder(), value).toString();

        assertEquals(value, StrictJson.parse(json));
        assertFalse(json.chars().anyMatch(c -> c < 0x20), json);
        // Written as UTF-8, the line decodes back to the same text: no lone surrogate reaches the encoder.
        assertEquals(json, new String(json.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    }

    @Test
    void anEventIsOneObjectOnOneLineWithEveryField() throws Exception {
        InetAddress named = InetAddress.getByAddress("my\"host\n", new byte[] {127, 0, 0, 1});
        AuditEvent event = new AuditEvent(EventKind.RISK_CONNECT, InetAddress.getByName("127.0.0.1"), 40777,
                named, 40200, "Socket", "thread \"x\"\u0001", new String[] {"a.B.c(B.java:1)", "a.B.main(B.java:2)"},
                "connect to 127.0.0.1:40200 ...", "reserve it", null);

        String line = Json.line(event, IDENTITY);

        assertFalse(line.contains("\n"));
        Map<String, Object> object = StrictJson.object(line);
        assertEquals(List.of("time", "kind", "local", "remote", "api", "thread", "service.name", "host.name",
                "process.pid", "process.creation.time", "container.id", "k8s.pod.name", "k8s.namespace.name",
                "selfconnect.version", "message", "fix", "frames"), List.copyOf(object.keySet()));
        assertTrue(((String) object.get("time")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
        assertEquals("risk-connect", object.get("kind"));
        assertEquals(Map.of("address", "127.0.0.1", "host", "my\"host\n", "port", 40200L), object.get("remote"));
        assertEquals("thread \"x\"\u0001", object.get("thread"));
        assertEquals("orders \"api\"\u2028", object.get("service.name"));
        assertEquals("web-1", object.get("host.name"));
        assertEquals(4242L, object.get("process.pid"));
        assertEquals("2026-12-07T19:00:00.000Z", object.get("process.creation.time"));
        assertEquals(CONTAINER, object.get("container.id"));
        assertEquals("orders-7d9f", object.get("k8s.pod.name"));
        assertEquals("shop", object.get("k8s.namespace.name"));
        assertEquals("1.2.3", object.get("selfconnect.version"));
        assertEquals(List.of("a.B.c(B.java:1)", "a.B.main(B.java:2)"), object.get("frames"));
    }

    @Test
    void aListenerHasNoRemoteEndpoint() throws Exception {
        AuditEvent event = new AuditEvent(EventKind.RISK_LISTEN, InetAddress.getByName("::"), 40005, null, 0,
                "ServerSocketChannel", "main", new String[0], "m", "f", null);

        Map<String, Object> object = StrictJson.object(Json.line(event, BARE));

        assertEquals(null, object.get("remote"));
        assertTrue(object.containsKey("remote"));
        assertEquals("::", ((Map<?, ?>) object.get("local")).get("address"));
        assertEquals(List.of(), object.get("frames"));
        // An identity without container, pod or start time leaves those members out rather than writing null.
        assertFalse(object.containsKey("container.id"), object::toString);
        assertFalse(object.containsKey("k8s.pod.name"), object::toString);
        assertFalse(object.containsKey("process.creation.time"), object::toString);
        assertEquals("unknown_service:java", object.get("service.name"));
    }
}
