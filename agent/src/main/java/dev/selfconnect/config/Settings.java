package dev.selfconnect.config;

/** The agent's effective configuration: immutable, built once at startup by {@link SettingsLoader}. */
public final class Settings {

    public static final Settings DEFAULTS = new Settings(Mode.LOG, true, IgnoreList.EMPTY);

    private final Mode mode;
    private final boolean stackTraces;
    private final IgnoreList ignore;

    Settings(Mode mode, boolean stackTraces, IgnoreList ignore) {
        this.mode = mode;
        this.stackTraces = stackTraces;
        this.ignore = ignore;
    }

    public Mode mode() {
        return mode;
    }

    public boolean stackTraces() {
        return stackTraces;
    }

    public IgnoreList ignore() {
        return ignore;
    }

    /** The settings as the startup line shows them, with the same names a user sets them by. */
    public String describe() {
        return SettingName.MODE.key + "=" + mode
                + ", " + SettingName.STACK_TRACES.key + "=" + stackTraces
                + ", " + SettingName.IGNORE.key + "=" + ignore;
    }
}
