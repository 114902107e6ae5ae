package dev.selfconnect.agent;

import dev.selfconnect.state.AgentState;

/**
 * The agent's state in the system property {@value #PROPERTY}, where the attach tool reads it through the attach API
 * without loading anything into the JVM: {@code STATE; VERSION; SETTINGS}, STATE one of the phases' labels. The name
 * is outside the {@code selfconnect.} prefix, which the agent reserves for its settings.
 */
public final class AgentMarker {

    public static final String PROPERTY = "dev.selfconnect.agent";
    private static final String SEPARATOR = "; ";

    /** The phase's label as written: a phase this version does not know (another version wrote it) is kept as text. */
    public final String phaseText;
    /** Null for a phase this version does not know. */
    public final AgentState.Phase phase;
    public final String version;
    public final String settings;

    private AgentMarker(String phaseText, String version, String settings) {
        this.phaseText = phaseText;
        this.phase = AgentState.Phase.ofLabel(phaseText);
        this.version = version;
        this.settings = settings;
    }

    public static String format(AgentState.Phase phase, String version, String settings) {
        return phase.label() + SEPARATOR + version + SEPARATOR + (settings == null ? "" : settings);
    }

    /** The marker a property value tells, or null for none. */
    public static AgentMarker parse(String value) {
        if (value == null) {
            return null;
        }
        String[] parts = value.split(SEPARATOR, 3);
        return new AgentMarker(parts[0], parts.length > 1 ? parts[1] : "?", parts.length > 2 ? parts[2] : "");
    }
}
