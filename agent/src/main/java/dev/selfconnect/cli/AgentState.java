package dev.selfconnect.cli;

import dev.selfconnect.agent.AgentMarker;

import java.util.Locale;
import java.util.Properties;

/**
 * The agent's state in a JVM as its marker system property {@value AgentMarker#PROPERTY} tells it
 * ({@code STATE; VERSION; SETTINGS}), read through the attach API without loading anything there.
 */
final class AgentState {

    /** The first field of the marker. */
    enum State {
        /** Installed: connects are checked. */
        ACTIVE,
        /** Loaded with mode=off: nothing is checked. */
        OFF,
        /** Detached: nothing is checked. */
        DETACHED,
        /** It failed to install: nothing is checked. */
        FAILED,
        /** A state this tool does not know, written by another version of the agent. */
        UNKNOWN;

        /** The state's word in the marker. */
        String token() {
            return name().toLowerCase(Locale.ROOT);
        }

        static State ofToken(String token) {
            for (State state : values()) {
                if (state != UNKNOWN && state.token().equals(token)) {
                    return state;
                }
            }
            return UNKNOWN;
        }
    }

    final State state;
    /** The marker's first field as written, which names an unknown state too. */
    final String stateText;
    final String version;
    final String settings;
    /** The status the agent keeps in its marker, or null (an older agent). */
    final String status;

    private AgentState(String stateText, String version, String settings, String status) {
        this.status = status;
        this.state = State.ofToken(stateText);
        this.stateText = stateText;
        this.version = version;
        this.settings = settings;
    }

    /** The state in a JVM with these system properties, or null when the agent has never been loaded there. */
    static AgentState of(Properties systemProperties) {
        return parse(systemProperties.getProperty(AgentMarker.PROPERTY));
    }

    /** The state a marker value tells, or null for none. */
    static AgentState parse(String marker) {
        if (marker == null) {
            return null;
        }
        AgentMarker parsed = AgentMarker.parse(marker);
        // The marker is the target's text: it is shown escaped, whoever wrote it.
        return new AgentState(Untrusted.line(parsed.phaseText, Untrusted.CELL),
                Untrusted.line(parsed.version, Untrusted.CELL), Untrusted.line(parsed.settings, Untrusted.LINE),
                parsed.status == null ? null : Untrusted.lines(parsed.status, Untrusted.LINE));
    }

    boolean active() {
        return state == State.ACTIVE;
    }

    /** A short form for the listing: {@code active (mode=throw)}. */
    String summary() {
        String mode = "";
        for (String setting : settings.split(", ")) {
            if (setting.startsWith("mode=")) {
                mode = " (" + setting + ")";
            }
        }
        return stateText + (active() ? mode : "");
    }
}
