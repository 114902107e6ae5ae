package dev.selfconnect.agent;

import dev.selfconnect.config.InvalidSettingException;
import dev.selfconnect.config.Mode;
import dev.selfconnect.config.Settings;
import dev.selfconnect.config.SettingsLoader;
import dev.selfconnect.detection.ConnectGuard;
import dev.selfconnect.detection.ConnectionResetter;
import dev.selfconnect.instrumentation.ConnectInstrumentation;
import dev.selfconnect.reporting.AgentLog;

import java.lang.instrument.Instrumentation;
import java.util.concurrent.atomic.AtomicBoolean;

/** Reads the settings and installs the agent once, whichever entry point and however often it is called. */
public final class AgentInstaller {

    private static final AtomicBoolean installed = new AtomicBoolean();

    private AgentInstaller() {
    }

    static void installAtStartup(String arguments, Instrumentation instrumentation) {
        Settings settings;
        try {
            settings = SettingsLoader.load(arguments, System.getProperties(), System.getenv());
        } catch (InvalidSettingException e) {
            AgentLog.error(e.getMessage());
            AgentLog.error("the JVM stops here, as it does for a bad -XX option; fix the setting or remove "
                    + "-javaagent:selfconnect.jar");
            System.exit(1);
            return;
        }
        install(settings, instrumentation);
    }

    static void installIntoRunningJvm(String arguments, Instrumentation instrumentation)
            throws InvalidSettingException {
        install(SettingsLoader.load(arguments, System.getProperties(), System.getenv()), instrumentation);
    }

    /** Installs with the given settings; never throws, so the application starts whatever happens here. */
    public static void install(Settings settings, Instrumentation instrumentation) {
        String agent = "selfconnect " + version();
        if (ConnectInstrumentation.bridgeAlreadyInstalled() || !installed.compareAndSet(false, true)) {
            AgentLog.info(agent + " is already installed in this JVM; this copy does nothing");
            return;
        }
        if (settings.mode() == Mode.OFF) {
            AgentLog.info(agent + " installed nothing: " + settings.describe());
            return;
        }
        try {
            ConnectInstrumentation.install(instrumentation,
                    new ConnectGuard(settings, new ConnectionResetter()));
            AgentLog.info(agent + " active on Java " + System.getProperty("java.version") + ": "
                    + settings.describe());
        } catch (Throwable failure) {
            AgentLog.internalFailure("installing " + agent + " (self-connections are not checked)", failure);
        }
    }

    static String version() {
        String version = AgentInstaller.class.getPackage().getImplementationVersion();
        return version == null ? "(development build)" : version;
    }
}
