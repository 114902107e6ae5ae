/**
 * The hook model: where in the JDK (or a library) the agent hooks, and how it reads and resets what it finds there.
 * <ul>
 *   <li>A {@link dev.selfconnect.hooks.HookModule} is what the agent installs: the JDK's families
 *   ({@link dev.selfconnect.hooks.JdkHooks}) or a library's, with their hook points and, for a library, the names that
 *   say it is here and how its own hooks start ({@link dev.selfconnect.hooks.LibrarySite},
 *   {@link dev.selfconnect.hooks.LibraryHooks}).</li>
 *   <li>A {@link dev.selfconnect.hooks.HookPoint} is one method whose normal return the agent hooks. It says its
 *   {@link dev.selfconnect.hooks.HookKind kind} (a connect completed, a server bound, the platform MBean server
 *   created, a name seen), the API family it belongs to and the JDK feature versions it fits. The bridge has one
 *   entry per kind.</li>
 *   <li>An API family ({@link dev.selfconnect.hooks.ConnectionFamily}, {@link dev.selfconnect.hooks.ServerFamily})
 *   is the strategy that reads a hooked object's endpoints and resets a connection. Adding a family is one new
 *   strategy plus its hook points in {@link dev.selfconnect.hooks.JdkHooks} (or a catalogue like it).</li>
 * </ul>
 * Assumptions, which the instrumentation relies on: the JDK's hook points are in classes of the bootstrap loader
 * (other loaders are never woven for them); a hook method is woven at most once (a woven class is recognised by
 * its bytes); hooks run on the normal return only, never on an exception; at startup the agent removes its
 * transformer once every target class it expects is loaded, so a hook point in a class loaded later on demand needs a
 * transformer that stays registered, and pays the per-class cost of one.
 */
package dev.selfconnect.hooks;
