package dev.selfconnect.netty;

import dev.selfconnect.hooks.ConnectionFamily;
import dev.selfconnect.hooks.HookModule;
import dev.selfconnect.hooks.HookPoint;
import dev.selfconnect.hooks.InternalAccess;
import dev.selfconnect.hooks.LibraryHooks;
import dev.selfconnect.hooks.LibrarySite;
import dev.selfconnect.hooks.ServerFamily;

import java.util.Collections;
import java.util.List;

/**
 * Netty's native transports as a {@link HookModule}: their families ({@link NettyHooks}), the trigger that says a
 * Netty is here, and the hooks that start then ({@link NettyTransports}).
 * <p>
 * The trigger: a Netty extracts its native library from its jar into a temporary file
 * ({@code Files.createTempFile(directory, "lib<prefix>netty_transport_native_...", ".so")}) before it loads it,
 * wherever that Netty comes from (relocated inside another jar, a nested jar, an application server's loader). The
 * entry of {@code java.nio.file.TempFileHelper.createTempFile(Path, String, String, FileAttribute[])}, woven with the
 * JDK's hook points as it loads, hands the prefix to the bridge, and a prefix that names netty starts the hooks on
 * that thread, before the library loads. An application without Netty pays one name test per temporary file. The
 * JDK's library loading, woven once the hooks start, then names the copy and its class loader.
 * <p>
 * Loaded before main: it names the classes of the Netty support only in code that runs later.
 */
public final class NettyModule implements HookModule {

    public static final HookModule MODULE = new NettyModule();

    private static final String[] ANNOUNCING_NAMES = {"netty"};
    /** The temporary file's prefix is the second parameter of the static method. */
    private static final int PREFIX_LOCAL = 1;
    private static final int JDK_8 = 8;

    private final List<HookPoint> points = Collections.singletonList(HookPoint.nameSeen(
            "java/nio/file/TempFileHelper", "createTempFile",
            "(Ljava/nio/file/Path;Ljava/lang/String;Ljava/lang/String;[Ljava/nio/file/attribute/FileAttribute;)"
                    + "Ljava/nio/file/Path;", PREFIX_LOCAL, "Netty's first connects", JDK_8));

    private NettyModule() {
    }

    @Override
    public String name() {
        return "Netty";
    }

    @Override
    public int connectionFamiliesEnd() {
        return NettyHooks.CONNECTION_FAMILIES;
    }

    @Override
    public int serverFamiliesEnd() {
        return NettyHooks.SERVER_FAMILIES;
    }

    @Override
    public void makeConnection(int id, InternalAccess access, ConnectionFamily[] families) {
        NettyHooks.makeConnectionFamily(id, families);
    }

    @Override
    public void makeServer(int id, ServerFamily[] families) {
        NettyHooks.makeServerFamily(id, families);
    }

    @Override
    public List<HookPoint> points() {
        return points;
    }

    @Override
    public String[] announcingNames() {
        return ANNOUNCING_NAMES.clone();
    }

    @Override
    public LibraryHooks start(LibrarySite site) {
        return NettyTransports.start(site);
    }
}
