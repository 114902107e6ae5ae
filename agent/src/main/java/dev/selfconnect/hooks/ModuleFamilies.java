package dev.selfconnect.hooks;

/** The families of every module, made when first needed (at startup by the weaver thread, after main began). */
public final class ModuleFamilies extends Families {

    private final HookModule[] modules;
    private final InternalAccess access;

    public ModuleFamilies(HookModule[] modules, InternalAccess access) {
        super(connectionEnd(modules), serverEnd(modules));
        this.modules = modules.clone();
        this.access = access;
    }

    private static int connectionEnd(HookModule[] modules) {
        int end = 0;
        for (HookModule module : modules) {
            end = Math.max(end, module.connectionFamiliesEnd());
        }
        return end;
    }

    private static int serverEnd(HookModule[] modules) {
        int end = 0;
        for (HookModule module : modules) {
            end = Math.max(end, module.serverFamiliesEnd());
        }
        return end;
    }

    @Override
    protected void makeConnection(int id, ConnectionFamily[] families) {
        for (int i = 0; i < modules.length && families[id] == null; i++) {
            modules[i].makeConnection(id, access, families);
        }
    }

    @Override
    protected void makeServer(int id, ServerFamily[] families) {
        for (int i = 0; i < modules.length && families[id] == null; i++) {
            modules[i].makeServer(id, families);
        }
    }
}
