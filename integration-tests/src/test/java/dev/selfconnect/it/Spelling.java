package dev.selfconnect.it;

import java.util.Locale;

/** The three ways to give the agent a setting. */
enum Spelling {
    AGENT_ARGUMENT("agent argument"),
    SYSTEM_PROPERTY("system property"),
    ENVIRONMENT_VARIABLE("environment variable");

    private final String label;

    Spelling(String label) {
        this.label = label;
    }

    /** Attaches the agent to the run and gives it {@code key=value} (key as in an agent argument, e.g. stack-traces). */
    DemoRun apply(DemoRun run, String key, String value) {
        return switch (this) {
            case AGENT_ARGUMENT -> run.withAgent(key + "=" + value);
            case SYSTEM_PROPERTY -> run.withAgent().systemProperty(propertyName(key), value);
            case ENVIRONMENT_VARIABLE -> run.withAgent().env(environmentName(key), value);
        };
    }

    /** How this spelling names the setting, e.g. {@code selfconnect.mode} or {@code SELFCONNECT_MODE}. */
    String name(String key) {
        return switch (this) {
            case AGENT_ARGUMENT -> key;
            case SYSTEM_PROPERTY -> propertyName(key);
            case ENVIRONMENT_VARIABLE -> environmentName(key);
        };
    }

    static String propertyName(String key) {
        return "selfconnect." + key;
    }

    static String environmentName(String key) {
        return "SELFCONNECT_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    @Override
    public String toString() {
        return label;
    }
}
