package dev.selfconnect.config;

import java.util.Locale;
import java.util.function.Function;

/**
 * Every setting the agent knows, by its one name. It is spelled {@code selfconnect.stack-traces} as a system
 * property, {@code SELFCONNECT_STACK_TRACES} as an environment variable and {@code stack-traces} as an agent argument
 * ({@code audit.file}: {@code selfconnect.audit.file}, {@code SELFCONNECT_AUDIT_FILE}, {@code audit.file}).
 */
enum SettingName {
    MODE("mode", Mode.ACCEPTED),
    STACK_TRACES("stack-traces", "true or false"),
    IGNORE("ignore", IgnoreList.ACCEPTED),
    RISKS("risks", "true or false (default: true in mode=log, false in mode=throw)"),
    AUDIT_FILE("audit.file", "a path to a file the JVM can create or append to"),
    REPORT_INTERVAL("report-interval", "a number of seconds from 0 to 86400 (0: every self-connection in full)"),
    SERVICE("service", "a service name of 1 to " + Settings.MAX_SERVICE_LENGTH + " letters, digits and . _ - : / @ +"
            + " (default: OTEL_SERVICE_NAME, then service.name in OTEL_RESOURCE_ATTRIBUTES, then the main class or"
            + " jar)");

    static final String PROPERTY_PREFIX = "selfconnect.";
    static final String ENVIRONMENT_PREFIX = "SELFCONNECT_";

    final String key;
    final String accepted;

    SettingName(String key, String accepted) {
        this.key = key;
        this.accepted = accepted;
    }

    String propertyName() {
        return PROPERTY_PREFIX + key;
    }

    String environmentName() {
        return ENVIRONMENT_PREFIX + key.replace('-', '_').replace('.', '_').toUpperCase(Locale.ROOT);
    }

    static SettingName byKey(String key) {
        for (SettingName name : values()) {
            if (name.key.equals(key)) {
                return name;
            }
        }
        return null;
    }

    static SettingName byEnvironmentName(String variable) {
        for (SettingName name : values()) {
            if (name.environmentName().equals(variable)) {
                return name;
            }
        }
        return null;
    }

    /** Every setting in one spelling, for error messages: {@code joined(SettingName::propertyName)}. */
    static String joined(Function<SettingName, String> spelling) {
        StringBuilder sb = new StringBuilder();
        for (SettingName name : values()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(spelling.apply(name));
        }
        return sb.toString();
    }
}
