package dev.selfconnect.config;

import dev.selfconnect.vocabulary.PlainText;

/** The agent's effective configuration: immutable, built by {@link SettingsLoader}. */
public final class Settings {

    /** Repeats of a self-connection to one endpoint within this many seconds are folded into a count. */
    public static final int DEFAULT_REPORT_INTERVAL = 60;
    public static final int MAX_REPORT_INTERVAL = 86400;
    /** The longest service name the {@code service} setting takes. */
    public static final int MAX_SERVICE_LENGTH = 128;
    public static final Settings DEFAULTS = new Settings(Mode.LOG, true, IgnoreList.EMPTY, null, null,
            DEFAULT_REPORT_INTERVAL, null);

    private final Mode mode;
    private final boolean stackTraces;
    private final IgnoreList ignore;
    /** Explicitly set, or null: then risk findings follow the mode (on in log mode, off in throw mode). */
    private final Boolean risks;
    private final String auditFile;
    private final int reportInterval;
    /** Null: the service name is found in the environment or the command. */
    private final String service;
    /** Why the audit file is not used although the setting is sound (something else is at its path), or null. */
    private final String unusableAuditFile;

    Settings(Mode mode, boolean stackTraces, IgnoreList ignore) {
        this(mode, stackTraces, ignore, null, null, DEFAULT_REPORT_INTERVAL, null);
    }

    Settings(Mode mode, boolean stackTraces, IgnoreList ignore, Boolean risks, String auditFile,
             int reportInterval, String service) {
        this.reportInterval = reportInterval;
        this.service = service;
        this.mode = mode;
        this.stackTraces = stackTraces;
        this.ignore = ignore;
        this.risks = risks;
        this.auditFile = auditFile;
        this.unusableAuditFile = null;
    }

    private Settings(Settings settings, String unusableAuditFile) {
        this.reportInterval = settings.reportInterval;
        this.service = settings.service;
        this.mode = settings.mode;
        this.stackTraces = settings.stackTraces;
        this.ignore = settings.ignore;
        this.risks = settings.risks;
        this.auditFile = settings.auditFile;
        this.unusableAuditFile = unusableAuditFile;
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

    /** The JSON Lines audit file, as an absolute path, or null for none. */
    public String auditFile() {
        return auditFile;
    }

    /**
     * Why the audit file cannot be used (it is a link, a FIFO, another user's file, on /proc...), found when the
     * settings were read; null when it can, or there is none. The agent then runs without it: its events are on
     * standard error only, and the file is tried again at each event.
     */
    public String unusableAuditFile() {
        return unusableAuditFile;
    }

    /** These settings, with the reason their audit file cannot be used. */
    Settings withUnusableAuditFile(String reason) {
        return new Settings(this, reason);
    }

    /** Seconds within which repeats of a self-connection to one endpoint are folded into a count; 0: none. */
    public int reportInterval() {
        return reportInterval;
    }

    /** The service name the {@code service} setting gives, or null: then the identity finds one. */
    public String service() {
        return service;
    }

    /** The risks setting as given, or null when it was not given and follows the mode. */
    Boolean explicitRisks() {
        return risks;
    }

    /**
     * What differs from {@code before}, setting by setting, as {@code "mode: log -> throw, ignore: none -> 8080"}
     * (risks by its effective value), or {@code "nothing changed"}.
     */
    public String changesFrom(Settings before) {
        StringBuilder changes = new StringBuilder();
        change(changes, SettingName.MODE, before.mode, mode);
        change(changes, SettingName.STACK_TRACES, before.stackTraces, stackTraces);
        change(changes, SettingName.IGNORE, before.ignore, ignore);
        change(changes, SettingName.RISKS, before.risks(), risks());
        change(changes, SettingName.AUDIT_FILE, shown(before.auditFile), shown(auditFile));
        change(changes, SettingName.REPORT_INTERVAL, before.reportInterval, reportInterval);
        change(changes, SettingName.SERVICE, shown(before.service), shown(service));
        return changes.length() == 0 ? "nothing changed" : changes.toString();
    }

    private static void change(StringBuilder changes, SettingName name, Object before, Object after) {
        if (!before.toString().equals(after.toString())) {
            changes.append(changes.length() == 0 ? "" : ", ")
                    .append(name.key).append(": ").append(before).append(" -> ").append(after);
        }
    }

    private static String shown(String optional) {
        return optional == null ? "none" : PlainText.value(optional);
    }

    /** Equal when the agent behaves the same: the same values, risks by its effective value. */
    @Override
    public boolean equals(Object other) {
        if (!(other instanceof Settings)) {
            return false;
        }
        Settings that = (Settings) other;
        return mode == that.mode && stackTraces == that.stackTraces
                && ignore.toString().equals(that.ignore.toString()) && risks() == that.risks()
                && (auditFile == null ? that.auditFile == null : auditFile.equals(that.auditFile))
                && reportInterval == that.reportInterval
                && (service == null ? that.service == null : service.equals(that.service));
    }

    @Override
    public int hashCode() {
        return mode.hashCode() * 31 + ignore.toString().hashCode() + (stackTraces ? 1 : 0) + (risks() ? 2 : 0)
                + (auditFile == null ? 0 : auditFile.hashCode()) + reportInterval * 7
                + (service == null ? 0 : service.hashCode() * 13);
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
                + (auditFile == null ? "" : ", " + SettingName.AUDIT_FILE.key + "=" + PlainText.value(auditFile))
                + (reportInterval == DEFAULT_REPORT_INTERVAL ? ""
                : ", " + SettingName.REPORT_INTERVAL.key + "=" + reportInterval)
                + (service == null ? "" : ", " + SettingName.SERVICE.key + "=" + service);
    }
}
