package dev.selfconnect.agent;

import dev.selfconnect.config.InvalidSettingException;
import dev.selfconnect.config.SettingsLoader;
import dev.selfconnect.reporting.AgentLog;

import java.lang.instrument.Instrumentation;

/** The agent's entry points; the work is in {@link AgentInstaller}. */
public final class SelfConnectAgent {

    private SelfConnectAgent() {
    }

    /** {@code -javaagent:selfconnect.jar[=key=value,...]}: a bad setting stops the JVM before main. */
    public static void premain(String arguments, Instrumentation instrumentation) {
        AgentInstaller.installAtStartup(arguments, instrumentation);
    }

    /**
     * Loaded into a running JVM by an attach: installs, reconfigures, reports its status or detaches. A bad setting
     * fails the attach and leaves that JVM as it was.
     */
    public static void agentmain(String arguments, Instrumentation instrumentation) {
        AgentCommand command;
        try {
            command = AgentCommand.parse(arguments);
        } catch (IllegalArgumentException e) {
            AgentLog.error(e.getMessage());
            throw e;
        }
        switch (command.kind) {
            case STATUS:
                command.reply(AgentInstaller.status());
                return;
            case DETACH:
                command.reply(AgentInstaller.detach());
                return;
            default:
                try {
                    command.reply(AgentInstaller.applyOnAttach(SettingsLoader.load(command.settingArguments,
                            System.getProperties(), System.getenv()), instrumentation));
                } catch (InvalidSettingException e) {
                    // Nothing changed in this JVM: the tool shows the error, the JVM's own output gets nothing.
                    command.reply(new AttachReply(AttachReply.Status.INVALID_SETTING, e.getMessage()));
                }
        }
    }
}
