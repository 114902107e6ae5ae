package dev.selfconnect.config;

/** The agent's effective configuration: immutable, built once at startup by {@link SettingsLoader}. */
public final class Settings {

    public static final Settings DEFAULTS = new Settings(Mode.LOG, true, IgnoreList.EMPTY, null, null);

    private final Mode mode;
    private final boolean stackTraces;
    private final IgnoreList ignore;
    /** Explicitly set, or null: then risk findings follow the mode (on in log mode, off in throw mode). */
    private final Boolean risks;
    private final String auditFile;

    Settings(Mode mode, boolean stackTraces, IgnoreList ignore) {
        this(mode, stackTraces, ignore, null, null);
    }

    Settings(Mode mode, boolean stackTraces, IgnoreList ignore, Boolean risks, String auditFile) {
        this.mode = mode;
        this.stackTraces = stackTraces;
        this.ignore = ignore;
        this.risks = risks;
        this.auditFile = auditFile;
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

    /** Whether risk findings (connects to and listeners on unreserved ephemeral ports) are reported. */
    public boolean risks() {
        return risks != null ? risks : mode == Mode.LOG;
    }

    /** The JSON Lines audit file, or null for none. */
    public String auditFile() {
        return auditFile;
    }

    /**
     * The settings as the startup line shows them, with the same names a user sets them by. The audit settings
     * appear only when they differ from their defaults, so the line a default agent prints stays as it was.
     */
    public String describe() {
        return SettingName.MODE.key + "=" + mode
                + ", " + SettingName.STACK_TRACES.key + "=" + stackTraces
                + ", " + SettingName.IGNORE.key + "=" + ignore
                + (risks == null || risks == (mode == Mode.LOG) ? "" : ", " + SettingName.RISKS.key + "=" + risks)
                + (auditFile == null ? "" : ", " + SettingName.AUDIT_FILE.key + "=" + auditFile);
    }
}
