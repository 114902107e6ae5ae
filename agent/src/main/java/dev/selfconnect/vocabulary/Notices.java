package dev.selfconnect.vocabulary;

/**
 * Where a part of the agent that must not know the agent's log sends its remarks: the log in the agent, a recorder
 * in the tests.
 */
public interface Notices {
    void info(String message);

    void warn(String message);
}
