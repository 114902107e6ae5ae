package dev.selfconnect.agent;

import dev.selfconnect.hooks.HookModule;
import dev.selfconnect.hooks.JdkHooks;
import dev.selfconnect.netty.NettyModule;

/** Every module the agent installs: the JDK's first, then each library's. A new library is one more entry here. */
final class HookModules {

    private HookModules() {
    }

    static HookModule[] all() {
        return new HookModule[] {JdkHooks.MODULE, NettyModule.MODULE};
    }
}
