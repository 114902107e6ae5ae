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
        assertEquals("command=status,reply=/tmp/selfconnect-reply-1.txt",
                AttachRequest.format(AttachRequest.Command.STATUS, "/tmp/selfconnect-reply-1.txt", false, ""));
    }

    @Test
    void settingsFollowTheProtocolsPieces() {
        assertEquals("command=attach,reply=/tmp/r.txt,mode=throw,ignore=8080,9090",
                AttachRequest.format(AttachRequest.Command.ATTACH, "/tmp/r.txt", false, "mode=throw,ignore=8080,9090"));
    }

    @Test
    void aResetComesBeforeTheSettings() {
        assertEquals("command=attach,reply=/tmp/r.txt,reset=true,stack-traces=false",
                AttachRequest.format(AttachRequest.Command.ATTACH, "/tmp/r.txt", true, "stack-traces=false"));
    }

    @Test
    void whatTheToolFormatsTheAgentParses() {
        AttachRequest request = AttachRequest.parse(AttachRequest.format(AttachRequest.Command.ATTACH, "/tmp/r.txt",
                true, "mode=throw,ignore=8080,9090"));

        assertEquals(AttachRequest.Command.ATTACH, request.command);
        assertEquals("/tmp/r.txt", request.replyFile);
        assertTrue(request.reset);
        assertEquals("mode=throw,ignore=8080,9090", request.settings);
    }

    @Test
    void withoutACommandItIsAnAttachWithTheseSettings() {
        AttachRequest request = AttachRequest.parse("mode=throw");

        assertEquals(AttachRequest.Command.ATTACH, request.command);
        assertNull(request.replyFile);
        assertFalse(request.reset);
        assertEquals("mode=throw", request.settings);
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
