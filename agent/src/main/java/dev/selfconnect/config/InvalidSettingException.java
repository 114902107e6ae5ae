package dev.selfconnect.config;

/** A setting whose name or value the agent cannot accept; its message is the one line shown to the user. */
public final class InvalidSettingException extends Exception {

    private static final long serialVersionUID = 1L;

    InvalidSettingException(String message) {
        super(message);
    }
}
