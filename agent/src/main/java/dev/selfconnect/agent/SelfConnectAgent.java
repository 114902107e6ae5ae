package dev.selfconnect.agent;

import dev.selfconnect.config.InvalidSettingException;
import dev.selfconnect.config.SettingsLoader;
import dev.selfconnect.reporting.AgentLog;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;

/** The agent's entry points; the work is in {@link AgentInstaller}. */
public final class SelfConnectAgent {

    private SelfConnectAgent() {
    }

    /** {@code -javaagent:selfconnect.jar[=key=value,...]}: a bad setting stops the JVM before main. */
    public static void premain(String arguments, Instrumentation instrumentation) {
        AgentInstaller.installAtStartup(arguments, instrumentation);
    }

    /**
     * Loaded into a running JVM by an attach: installs, reconfigures, reports its status or detaches, and answers in
     * the reply file. Nothing reaches the JVM's own output unless its state changes: a bad setting is answered, not
     * thrown (a throw here makes the JVM print a stack trace and "Agent failed to start").
     */
    public static void agentmain(String arguments, Instrumentation instrumentation) {
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
                    reply = AgentInstaller.applyOnAttach(SettingsLoader.load(request.settings,
                            System.getProperties(), System.getenv()), instrumentation);
                } catch (InvalidSettingException e) {
                    reply = new AttachReply(AttachReply.Status.INVALID_SETTING, e.getMessage());
                }
        }
        answer(request, reply);
    }

    /** Writes the reply to the file the tool made for it (never through a link), replacing what it holds. */
    private static void answer(AttachRequest request, AttachReply reply) {
        if (request.replyFile == null) {
            return;
        }
        try (OutputStream out = Files.newOutputStream(Paths.get(request.replyFile), LinkOption.NOFOLLOW_LINKS,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write((reply.format() + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            AgentLog.internalFailure("writing the reply to " + request.replyFile, e);
        }
    }
}
