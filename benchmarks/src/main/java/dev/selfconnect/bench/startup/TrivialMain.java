package dev.selfconnect.bench.startup;

/** The trivial main whose JVM start is timed: nothing but the JVM, the agent (if any) and this empty method. */
public final class TrivialMain {

    private TrivialMain() {
    }

    public static void main(String[] args) {
    }
}
