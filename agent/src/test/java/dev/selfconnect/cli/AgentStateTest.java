package dev.selfconnect.cli;

import dev.selfconnect.agent.AgentMarker;
import dev.selfconnect.cli.AgentState.State;
import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentStateTest {

    @Test
    void noMarkerMeansNeverLoaded() {
        assertNull(AgentState.of(new Properties()));
        assertNull(AgentState.parse(null));
    }

    @Test
    void theMarkerIsReadFromItsSystemProperty() {
        Properties properties = new Properties();
        properties.setProperty(AgentMarker.PROPERTY, "active; 0.1.0; mode=throw, stack-traces=true, "
                + "ignore=none");
        AgentState state = AgentState.of(properties);
        assertEquals(State.ACTIVE, state.state);
        assertTrue(state.active());
        assertEquals("0.1.0", state.version);
        assertEquals("mode=throw, stack-traces=true, ignore=none", state.settings);
        assertEquals("active (mode=throw)", state.summary());
    }

    @Test
    void eachStateTheAgentWrites() {
        assertEquals(State.OFF, AgentState.parse("off; 0.1.0; mode=off, stack-traces=true, ignore=none").state);
        assertEquals(State.DETACHED, AgentState.parse("detached; 0.1.0; mode=log").state);
        assertEquals(State.FAILED, AgentState.parse("failed; 0.1.0; ").state);
        for (State state : State.values()) {
            if (state != State.UNKNOWN) {
                assertEquals(state, AgentState.parse(state.token() + "; 1; mode=log").state);
            }
        }
    }

    @Test
    void onlyAnActiveAgentShowsItsModeInTheListing() {
        assertEquals("off", AgentState.parse("off; 0.1.0; mode=off, stack-traces=true, ignore=none").summary());
        assertEquals("detached", AgentState.parse("detached; 0.1.0; mode=throw, ignore=8080,9090").summary());
        assertFalse(AgentState.parse("detached; 0.1.0; mode=throw").active());
    }

    @Test
    void aStateFromAnotherVersionIsShownAsWritten() {
        AgentState state = AgentState.parse("paused; 9.0.0; mode=throw");
        assertEquals(State.UNKNOWN, state.state);
        assertFalse(state.active());
        assertEquals("paused", state.summary());
        assertEquals("paused", state.stateText);
    }

    @Test
    void missingFieldsAreFilledIn() {
        AgentState state = AgentState.parse("active");
        assertEquals("?", state.version);
        assertEquals("", state.settings);
        assertEquals("active", state.summary());
    }
}
