package dev.selfconnect;

import java.net.ConnectException;

/**
 * Thrown into the application, in {@code mode=throw}, instead of a TCP self-connection.
 * It is a {@link ConnectException}, so retry logic written for "connection refused" handles it as such.
 */
public class SelfConnectException extends ConnectException {

    private static final long serialVersionUID = 1L;

    public SelfConnectException(String message) {
        super(message);
    }
}
