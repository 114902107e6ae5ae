package dev.selfconnect.hooks;

/** A library module's hooks once started: what it hooked, and how to undo it. */
public interface LibraryHooks {

    /**
     * The bridge saw a name that contains one of the module's announcing names.
     *
     * @param subject the class for whose loader a native library was loaded; null when the name is about to be used
     *                (a temporary file's prefix), before the library loads
     */
    void nameSeen(Object subject, String name);

    /** The hooks call nothing any more, and what was woven by retransformation returns to its original form. */
    void uninstall();
}
