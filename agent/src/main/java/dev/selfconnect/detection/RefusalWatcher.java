package dev.selfconnect.detection;

import dev.selfconnect.audit.Audit;
import dev.selfconnect.hooks.Families;
import dev.selfconnect.hooks.ProbeAddress;
import dev.selfconnect.reporting.AgentLog;

import java.net.InetSocketAddress;
import java.security.AccessController;
import java.security.PrivilegedAction;
import java.util.function.BiConsumer;

/**
 * A connect refused (or timed out) on its way to a local port inside the ephemeral range that is not reserved: the
 * exposure in its purest form, since the next attempt may connect to itself. It goes to the audit as a risk finding,
 * once per endpoint, like a completed connect; the application's exception goes on unchanged. The agent's own hook
 * probe ({@link ProbeAddress}) is only counted as seen.
 */
public final class RefusalWatcher implements BiConsumer<Object, Integer> {

    private final Families families;
    private final Audit audit;
    private final Reentrancy reentrancy;

    RefusalWatcher(Families families, Audit audit, Reentrancy reentrancy) {
        this.families = families;
        this.audit = audit;
        this.reentrancy = reentrancy;
    }

    @Override
    @SuppressWarnings("removal")
    public void accept(final Object requested, final Integer family) {
        if (ProbeAddress.seen(requested)) {
            return;
        }
        if (!(requested instanceof InetSocketAddress) || ((InetSocketAddress) requested).isUnresolved()) {
            return;
        }
        if (System.getSecurityManager() == null) {
            check((InetSocketAddress) requested, family);
            return;
        }
        AccessController.doPrivileged(new PrivilegedAction<Void>() {
            @Override
            public Void run() {
                check((InetSocketAddress) requested, family);
                return null;
            }
        });
    }

    private void check(InetSocketAddress requested, int family) {
        if (!audit.isNewConnectRisk(requested.getAddress(), requested.getPort()) || !reentrancy.enter()) {
            return;
        }
        try {
            audit.refusedAtRisk(requested.getAddress(), requested.getPort(), families.connection(family).api());
        } catch (Throwable failure) {
            AgentLog.internalFailure("checking a refused connect", failure);
        } finally {
            reentrancy.exit();
        }
    }
}
