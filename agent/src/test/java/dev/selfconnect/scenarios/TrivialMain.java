package dev.selfconnect.scenarios;

/** A main that does nothing: what a JVM loads before it is what the JVM's start and the agent's premain loaded. */
public final class TrivialMain {

    private TrivialMain() {
    }

    public static void main(String[] args) {
        System.out.println("RESULT main");
    }
}
