package dev.selfconnect.agent;

import dev.selfconnect.state.AgentState;

/**
 * The agent's state in the system property {@value #PROPERTY}, where the attach tool reads it through the attach API
 * without loading anything into the JVM: a first line {@code STATE; VERSION; SETTINGS}, STATE one of the phases'
 * labels, then the status as {@code status} prints it (kept current by the agent). The name is outside the
 * {@code selfconnect.} prefix, which the agent reserves for its settings.
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
    /** The status text, or null when the marker has none (written by an older version). */
    public final String status;

    private AgentMarker(String phaseText, String version, String settings, String status) {
        this.status = status;
        this.phaseText = phaseText;
        this.phase = AgentState.Phase.ofLabel(phaseText);
        this.version = version;
        this.settings = settings;
    }

    public static String format(AgentState.Phase phase, String version, String settings, String status) {
        return phase.label() + SEPARATOR + version + SEPARATOR + (settings == null ? "" : settings)
                + (status == null ? "" : "\n" + status);
    }

    /** The marker a property value tells, or null for none. */
    public static AgentMarker parse(String value) {
        if (value == null) {
            return null;
        }
        int newline = value.indexOf('\n');
        String first = newline < 0 ? value : value.substring(0, newline);
        String[] parts = first.split(SEPARATOR, 3);
        return new AgentMarker(parts[0], parts.length > 1 ? parts[1] : "?", parts.length > 2 ? parts[2] : "",
                newline < 0 ? null : value.substring(newline + 1));
    }
}
