package dev.selfconnect.agent;

import dev.selfconnect.config.InvalidSettingException;
import dev.selfconnect.config.Mode;
import dev.selfconnect.config.Settings;
import dev.selfconnect.config.SettingsLoader;
import dev.selfconnect.state.AgentState;
import dev.selfconnect.reporting.AgentLog;

import java.lang.instrument.Instrumentation;

/** What an attach asks of the agent, answered in the reply property ({@link AttachReply#PROPERTY}). */
final class AttachHandler {

    private AttachHandler() {
    }

    /**
     * Loaded into a running JVM by an attach: installs, reconfigures, reports its status or detaches, and answers in
     * the reply property, which the tool reads through the attach API once the load has returned. Nothing reaches
     * the JVM's own output unless its state changes: a bad setting is answered, not thrown (a throw here makes the
     * JVM print a stack trace and "Agent failed to start").
     */
    static void handle(String arguments, Instrumentation instrumentation) {
        AttachRequest request;
        try {
            request = AttachRequest.parse(arguments);
        } catch (IllegalArgumentException e) {
            return; // not from this version's tool: nothing to answer to
        }
        AttachReply reply;
        switch (request.command) {
            case STATUS:
                reply = AgentInstaller.status();
                break;
            case DETACH:
                reply = AgentInstaller.detach();
                break;
            default:
                try {
                    reply = AgentInstaller.applyOnAttach(attachSettings(request), instrumentation);
                } catch (InvalidSettingException e) {
                    reply = new AttachReply(AttachReply.Status.INVALID_SETTING, e.getMessage());
                }
        }
        answer(request, reply);
    }

    /**
     * The settings an attach asks for: on an agent already there, the settings in force with only the named ones
     * changed; the first time, or with reset, the named ones over the system properties, environment and defaults.
     * An agent switched off (or detached) that is attached to again without a mode gets the mode it would start with.
     */
    private static Settings attachSettings(AttachRequest request) throws InvalidSettingException {
        Settings fresh = SettingsLoader.load(request.settings, System.getProperties(), System.getenv());
        AgentState current = AgentState.current();
        if (request.reset || current == null) {
            return fresh;
        }
        Settings merged = SettingsLoader.over(current.settings(), request.settings);
        if (!current.active() && merged.mode() == Mode.OFF && !names(request.settings, "mode")) {
            merged = SettingsLoader.over(merged, "mode=" + fresh.mode());
        }
        return merged;
    }

    private static boolean names(String arguments, String key) {
        for (String piece : arguments.split(",")) {
            if (piece.trim().startsWith(key + "=")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Leaves the reply where the tool reads it: a system property, read through the attach channel, which only this
     * JVM's user and root can open. Each answer replaces the one before: one property, whatever the number of attaches.
     */
    private static void answer(AttachRequest request, AttachReply reply) {
        if (request.id == null) {
            return;
        }
        try {
            System.setProperty(AttachReply.PROPERTY, reply.format(request.id));
        } catch (RuntimeException e) {
            AgentLog.internalFailure("leaving the reply to the attach tool", e);
        }
    }
}
