package dev.selfconnect.state;

import dev.selfconnect.audit.Audit;
import dev.selfconnect.config.Settings;
import dev.selfconnect.identity.AgentIdentity;
import dev.selfconnect.identity.ProcessIdentity;
import dev.selfconnect.instrumentation.Protection;
import dev.selfconnect.reporting.AgentStatistics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Everything the agent is in this JVM at one moment: its phase, settings, audit, statistics and protection. It is
 * replaced as a whole when the agent is installed, reconfigured, switched off or detached; {@code status}, the MBean
 * and the summary at exit read the one in force. The statistics and the findings belong to the JVM and carry over.
 */
public final class AgentState {

    /** Where the agent stands. */
    public enum Phase {
        ACTIVE("active"), OFF("off"), DETACHED("detached"), FAILED("failed");

        private final String label;

        Phase(String label) {
            this.label = label;
        }

        /** As the marker property and the status spell it. */
        public String label() {
            return label;
        }

        public static Phase ofLabel(String label) {
            for (Phase phase : values()) {
                if (phase.label.equals(label)) {
                    return phase;
                }
            }
            return null;
        }
    }

    /**
     * The state in force: static because the MBean, which the platform MBean server calls on its own threads, reads
     * it at each call, and the management package does not know the installation.
     */
    private static volatile AgentState current;

    private final Phase phase;
    private final String version;
    private final Settings settings;
    private final AgentStatistics statistics;
    /** Null unless active. */
    private final Audit audit;
    /** Active: the hooks in force; otherwise those left woven and inert, if any; else null. */
    private final Protection protection;

    public AgentState(Phase phase, String version, Settings settings, AgentStatistics statistics, Audit audit,
                      Protection protection) {
        this.phase = phase;
        this.version = version;
        this.settings = settings;
        this.statistics = statistics;
        this.audit = audit;
        this.protection = protection;
    }

    /** The state in force, or null before the agent first ran in this JVM. */
    public static AgentState current() {
        return current;
    }

    /** Puts the next state in force; the audit of the one before is closed (its file released) unless kept. */
    public static synchronized void replace(AgentState next) {
        AgentState previous = current;
        current = next;
        if (previous != null && previous.audit != null && previous.audit != next.audit) {
            previous.audit.close();
        }
    }

    public Phase phase() {
        return phase;
    }

    public boolean active() {
        return phase == Phase.ACTIVE;
    }

    public String version() {
        return version;
    }

    public Settings settings() {
        return settings;
    }

    public AgentStatistics statistics() {
        return statistics;
    }

    /** The audit in force; null unless active. */
    public Audit audit() {
        return audit;
    }

    /** The protection line: "protects Socket, ...", or why nothing is. */
    public String protection() {
        if (active() && protection != null) {
            return protection.describe();
        }
        boolean inertHooks = protection != null && !active();
        return "protects nothing (" + phase.label() + ")" + (inertHooks ? "; the woven JDK classes keep a hook that"
                + " does nothing until the next attach" : "");
    }

    /** The audit's endpoints, as the summary lists them. */
    public List<String> endpoints() {
        return audit == null ? Collections.<String>emptyList() : audit.endpoints();
    }

    /**
     * The summary's lines, or none when nothing was found and no hook was lost; the first ends with the identity
     * ({@code ; service.name=orders-api host.name=...}). At the JVM's exit, on the agent's exit hook: it may resolve
     * the identity.
     */
    public List<String> summary() {
        List<String> lines = new ArrayList<String>();
        String agentJar = protection == null || !active() ? null : protection.agentJarProblem();
        if (agentJar != null) {
            lines.add("NOT protected: " + agentJar + "; " + Protection.AGENT_JAR_FIX);
        }
        for (String library : protection == null ? Collections.<String>emptyList()
                : protection.librariesNotProtected()) {
            lines.add("NOT protected: " + library);
        }
        try {
            if (audit != null && audit.foundAnything()) {
                lines.addAll(audit.summary());
            }
        } catch (LinkageError classesUnreadable) {
            lines.add("(the counts cannot be shown: the agent's classes they need could not be read from its jar)");
        }
        String redefinitions = protection == null ? null : protection.redefinitions();
        if (redefinitions != null) {
            lines.add(redefinitions);
        }
        if (!lines.isEmpty()) {
            try {
                lines.set(0, lines.get(0) + "; " + identity(AgentIdentity.current()).describeShort());
            } catch (RuntimeException | LinkageError unresolved) {
                // the counts still go out; the identity is best effort at the exit (its classes may be unreadable)
            }
        }
        return lines;
    }

    /** The identity with the service this state's settings name, if they name one. */
    public ProcessIdentity identity(ProcessIdentity resolved) {
        return resolved.withService(settings.service());
    }

    /**
     * The status as {@code selfconnect.jar status} prints it. Its identity line shows the identity once an agent
     * thread resolved it: the caller, which holds it, says so; the status is written in premain too, which must load
     * no class of the identity package.
     *
     * @param resolved the identity resolved by an agent thread ({@code AgentIdentity.current()}); null if none yet
     */
    public String describe(ProcessIdentity resolved) {
        return "selfconnect " + version + " " + (phase == Phase.ACTIVE ? "active" : "not active (" + phase.label()
                + ")") + " on Java " + System.getProperty("java.version") + "\n"
                + "settings: " + settings.describe() + "\n"
                + "identity: " + (resolved == null ? "not resolved yet (it is once the application's first steps"
                + " are past)" : identity(resolved).describe()) + "\n"
                + "protection: " + protection() + (active() && protection != null && protection.verified()
                && !protection.agentClassesLoaded() ? " (the agent's own classes still loading: a jar replaced now"
                + " could stop the checks)" : "") + "\n"
                + "counters: " + statistics.describe();
    }
}
