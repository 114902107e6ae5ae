package dev.selfconnect.detection;

import dev.selfconnect.audit.Audit;
import dev.selfconnect.hooks.Families;
import dev.selfconnect.reporting.AgentLog;

import java.net.InetSocketAddress;
import java.security.AccessController;
import java.security.PrivilegedAction;
import java.util.function.BiConsumer;

/** Hands every server bound to a fixed port (the bridge lets no other bind through) to the audit's risk check. */
public final class BindWatcher implements BiConsumer<Object, Integer> {

    private final Families families;
    private final Audit audit;
    private final Reentrancy reentrancy;

    BindWatcher(Families families, Audit audit, Reentrancy reentrancy) {
        this.families = families;
        this.audit = audit;
        this.reentrancy = reentrancy;
    }

    @Override
    @SuppressWarnings("removal")
    public void accept(final Object server, final Integer family) {
        if (System.getSecurityManager() == null) {
            check(server, family);
            return;
        }
        AccessController.doPrivileged(new PrivilegedAction<Void>() {
            @Override
            public Void run() {
                check(server, family);
                return null;
            }
        });
    }

    private void check(Object server, Integer family) {
        if (!reentrancy.enter()) {
            return;
        }
        try {
            InetSocketAddress bound = families.server(family).boundAddress(server);
            if (bound != null) {
                audit.listening(bound.getAddress(), bound.getPort(), families.server(family).api());
            }
        } catch (Throwable failure) {
            AgentLog.internalFailure("checking a server's bind", failure);
        } finally {
            reentrancy.exit();
        }
    }
}
