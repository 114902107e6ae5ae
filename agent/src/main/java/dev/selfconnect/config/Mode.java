package dev.selfconnect.config;

import java.util.Locale;

/** What the agent does about a self-connection. */
public enum Mode {
    /** Report it and leave the connection as the application got it. */
    LOG,
    /** Report it, reset the connection and throw {@code SelfConnectException} into the application. */
    THROW,
    /** Install nothing. */
    OFF;

    static final String ACCEPTED = "log, throw or off";

    static Mode parse(String value) {
        String normalized = value.trim().toUpperCase(Locale.ROOT);
        for (Mode mode : values()) {
            if (mode.name().equals(normalized)) {
                return mode;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
