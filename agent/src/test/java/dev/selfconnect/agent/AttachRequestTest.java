package dev.selfconnect.agent;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttachRequestTest {

    @Test
    void aCommandWithoutSettings() {
        assertEquals("command=status,id=0123abcd", AttachRequest.format(AttachRequest.Command.STATUS, "0123abcd", false,
                ""));
    }

    @Test
    void settingsFollowTheProtocolsPieces() {
        assertEquals("command=attach,id=77,mode=throw,ignore=8080,9090",
                AttachRequest.format(AttachRequest.Command.ATTACH, "77", false, "mode=throw,ignore=8080,9090"));
    }

    @Test
    void aResetComesBeforeTheSettings() {
        assertEquals("command=attach,id=77,reset=true,stack-traces=false",
                AttachRequest.format(AttachRequest.Command.ATTACH, "77", true, "stack-traces=false"));
    }

    @Test
    void whatTheToolFormatsTheAgentParses() {
        AttachRequest request = AttachRequest.parse(AttachRequest.format(AttachRequest.Command.ATTACH, "77",
                true, "mode=throw,ignore=8080,9090"));

        assertEquals(AttachRequest.Command.ATTACH, request.command);
        assertEquals("77", request.id);
        assertTrue(request.reset);
        assertEquals("mode=throw,ignore=8080,9090", request.settings);
    }

    @Test
    void withoutACommandItIsAnAttachWithTheseSettings() {
        AttachRequest request = AttachRequest.parse("mode=throw");

        assertEquals(AttachRequest.Command.ATTACH, request.command);
        assertNull(request.id);
        assertFalse(request.reset);
        assertEquals("mode=throw", request.settings);
    }

    @Test
    void anEarlierToolsReplyFileIsNeitherASettingNorWrittenTo() {
        AttachRequest request = AttachRequest.parse("command=attach,reply=/tmp/selfconnect-reply-1.txt,mode=throw");

        assertNull(request.id);
        assertEquals("mode=throw", request.settings);
    }

    @Test
    void aReplyIsTakenOnlyForItsOwnRequest() {
        String value = new AttachReply(AttachReply.Status.INSTALLED, "installed\nsecond").format("abc123");

        assertEquals("installed\nsecond", AttachReply.parse(value, "abc123").text());
        assertEquals(AttachReply.Status.INSTALLED, AttachReply.parse(value, "abc123").status());
        assertNull(AttachReply.parse(value, "abc124"), "another request's reply");
        assertNull(AttachReply.parse(value, "abc12"), "a prefix of the id");
        assertNull(AttachReply.parse(value, ""));
        assertNull(AttachReply.parse(null, "abc123"));
        assertNull(AttachReply.parse("selfconnect-reply abc123 exploded\nx", "abc123"), "an unknown status");
        assertNull(AttachReply.parse("selfconnect-reply installed\nx", "installed"), "the earlier form, no id");
    }

    @Test
    void anUnknownCommandIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> AttachRequest.parse("command=explode"));
    }

    @Test
    void theMarkerRoundTrips() {
        AgentMarker marker = AgentMarker.parse(AgentMarker.format(dev.selfconnect.state.AgentState.Phase.OFF,
                "1.2.3", "mode=off, stack-traces=true, ignore=none", "selfconnect 1.2.3 not active (off)\ncounters: x"));

        assertEquals(dev.selfconnect.state.AgentState.Phase.OFF, marker.phase);
        assertEquals("1.2.3", marker.version);
        assertEquals("mode=off, stack-traces=true, ignore=none", marker.settings);
        assertEquals("selfconnect 1.2.3 not active (off)\ncounters: x", marker.status);
        assertNull(AgentMarker.parse("frozen; 9.9; x").phase, "a phase another version wrote");
        assertNull(AgentMarker.parse("active; 9.9; mode=log").status, "an older agent's marker has no status");
    }
}
