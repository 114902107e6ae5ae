package dev.selfconnect.agent;

import dev.selfconnect.reporting.AgentLog;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Locale;

/**
 * What an attach asks of the agent in a running JVM. The attaching side adds two pieces to the agent arguments,
 * {@code command=attach|status|detach} and {@code reply=FILE}; the rest are settings. The agent writes its answer
 * to FILE, because an attach carries no text back.
 */
final class AgentCommand {

    enum Kind { ATTACH, STATUS, DETACH }

    final Kind kind;
    final String replyFile;
    final String settingArguments;

    private AgentCommand(Kind kind, String replyFile, String settingArguments) {
        this.kind = kind;
        this.replyFile = replyFile;
        this.settingArguments = settingArguments;
    }

    static AgentCommand parse(String arguments) {
        Kind kind = Kind.ATTACH;
        String reply = null;
        StringBuilder settings = new StringBuilder();
        if (arguments != null && !arguments.trim().isEmpty()) {
            for (String piece : arguments.split(",", -1)) {
                String trimmed = piece.trim();
                if (trimmed.startsWith("command=")) {
                    String name = trimmed.substring("command=".length());
                    try {
                        kind = Kind.valueOf(name.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("unknown agent command '" + name
                                + "': expected attach, status or detach");
                    }
                } else if (trimmed.startsWith("reply=")) {
                    reply = trimmed.substring("reply=".length());
                } else {
                    settings.append(settings.length() == 0 ? "" : ",").append(piece);
                }
            }
        }
        return new AgentCommand(kind, reply, settings.toString());
    }

    void reply(AttachReply reply) {
        if (replyFile == null) {
            return;
        }
        try (Writer out = new OutputStreamWriter(Files.newOutputStream(Paths.get(replyFile)), StandardCharsets.UTF_8)) {
            out.write(reply.format());
            out.write('\n');
        } catch (IOException | RuntimeException e) {
            AgentLog.error("could not write the reply to " + replyFile + ": " + e);
        }
    }
}
