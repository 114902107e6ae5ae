package dev.selfconnect.instrumentation;

import net.bytebuddy.asm.AsmVisitorWrapper;

/** A JDK class in which connects complete, and the advice that reports them to the bridge. */
interface ConnectPoint {

    /** The class's binary name, for example {@code java.net.Socket}. */
    String className();

    /** Built once at install time, before the transformer is registered. */
    AsmVisitorWrapper advice();
}
