package dev.selfconnect.instrumentation;

import dev.selfconnect.reporting.AgentLog;
import net.bytebuddy.asm.AsmVisitorWrapper;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/** Installs the bridge, the guard behind it, and the advice in every JDK class where a TCP connect completes. */
public final class ConnectInstrumentation {

    static final String BRIDGE = "sun.nio.ch.SelfConnectBridge";

    private static final ConnectPoint[] CONNECT_POINTS = {
        new SocketConnectPoint(),
        new SocketChannelConnectPoint(),
        new AsynchronousSocketChannelConnectPoint(),
    };

    private ConnectInstrumentation() {
    }

    /** True when a bridge is already in the bootstrap loader: another copy of the agent got there first. */
    public static boolean bridgeAlreadyInstalled() {
        try {
            Class.forName(BRIDGE, false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    public static void install(Instrumentation instrumentation, BiFunction<Object, String, IOException> guard)
            throws Exception {
        JavaBaseAccess.openToAgent(instrumentation);
        BootstrapInjector.inject(instrumentation, BRIDGE);
        Class.forName(BRIDGE, true, null).getMethod("install", BiFunction.class).invoke(null, guard);

        Map<String, AsmVisitorWrapper> advice = new HashMap<String, AsmVisitorWrapper>();
        for (ConnectPoint point : CONNECT_POINTS) {
            advice.put(point.className().replace('.', '/'), point.advice());
        }
        ConnectTransformer transformer = new ConnectTransformer(advice);
        instrumentation.addTransformer(transformer, true);
        retransformLoaded(instrumentation, transformer);
    }

    /** Classes the JVM loaded before the agent (java.net.Socket may be among them) are woven now. */
    private static void retransformLoaded(Instrumentation instrumentation, ConnectTransformer transformer) {
        List<Class<?>> loaded = new ArrayList<Class<?>>();
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            if (type.getClassLoader() == null && transformer.targets(type.getName().replace('.', '/'))) {
                loaded.add(type);
            }
        }
        for (Class<?> type : loaded) {
            try {
                instrumentation.retransformClasses(type);
            } catch (UnmodifiableClassException | RuntimeException | LinkageError failure) {
                AgentLog.internalFailure("retransforming " + type.getName() + " (its connects are not checked)",
                        failure);
            }
        }
    }
}
