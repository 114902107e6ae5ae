package dev.selfconnect.cli;

import dev.selfconnect.agent.AgentInstaller;

import java.util.Properties;

/**
 * The agent's state in a JVM as its marker system property tells it ({@code STATE; VERSION; SETTINGS}), read through
 * the attach API without loading anything there.
 */
final class AgentState {

    /** active, off, detached or failed. */
    final String state;
    final String version;
    final String settings;

    private AgentState(String state, String version, String settings) {
        this.state = state;
        this.version = version;
        this.settings = settings;
    }

    /** The state in a JVM with these system properties, or null when the agent has never been loaded there. */
    static AgentState of(Properties systemProperties) {
        String marker = systemProperties.getProperty(AgentInstaller.MARKER_PROPERTY);
        if (marker == null) {
            return null;
        }
        String[] parts = marker.split("; ", 3);
        return new AgentState(parts[0], parts.length > 1 ? parts[1] : "?", parts.length > 2 ? parts[2] : "");
    }

    boolean active() {
        return "active".equals(state);
    }

    /** A short form for the listing: {@code active (mode=throw)}. */
    String summary() {
        String mode = "";
        for (String setting : settings.split(", ")) {
            if (setting.startsWith("mode=")) {
                mode = " (" + setting + ")";
            }
        }
        return state + ("active".equals(state) ? mode : "");
    }
}
