package dev.selfconnect.audit;

import dev.selfconnect.vocabulary.EventKind;
import dev.selfconnect.vocabulary.JsonText;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {

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
                "connect to 127.0.0.1:40200 ...", "reserve it");

        String line = Json.line(event);

        assertFalse(line.contains("\n"));
        Map<String, Object> object = StrictJson.object(line);
        assertEquals(List.of("time", "kind", "local", "remote", "api", "thread", "pid", "message", "fix", "frames"),
                List.copyOf(object.keySet()));
        assertTrue(((String) object.get("time")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
        assertEquals("risk-connect", object.get("kind"));
        assertEquals(Map.of("address", "127.0.0.1", "host", "my\"host\n", "port", 40200L), object.get("remote"));
        assertEquals("thread \"x\"\u0001", object.get("thread"));
        assertEquals(ProcessHandle.current().pid(), object.get("pid"));
        assertEquals(List.of("a.B.c(B.java:1)", "a.B.main(B.java:2)"), object.get("frames"));
    }

    @Test
    void aListenerHasNoRemoteEndpoint() throws Exception {
        AuditEvent event = new AuditEvent(EventKind.RISK_LISTEN, InetAddress.getByName("::"), 40005, null, 0,
                "ServerSocketChannel", "main", new String[0], "m", "f");

        Map<String, Object> object = StrictJson.object(Json.line(event));

        assertEquals(null, object.get("remote"));
        assertTrue(object.containsKey("remote"));
        assertEquals("::", ((Map<?, ?>) object.get("local")).get("address"));
        assertEquals(List.of(), object.get("frames"));
    }
}
