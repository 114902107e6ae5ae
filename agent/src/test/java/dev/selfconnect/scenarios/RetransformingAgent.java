package dev.selfconnect.scenarios;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;

/**
 * A second agent, as a profiler or JFR would be: before the scenario runs, it retransforms the JDK classes where
 * connects complete, once the selfconnect agent has finished weaving them (its "selfconnect-weaver" thread is gone).
 * Its jar holds nothing but a manifest; this class comes from the test classes on the class path.
 */
public final class RetransformingAgent {

    static final String[] CONNECT_CLASSES = {"java.net.Socket", "sun.nio.ch.SocketChannelImpl",
        "sun.nio.ch.UnixAsynchronousSocketChannelImpl", "java.net.ServerSocket"};

    private static volatile Instrumentation instrumentation;

    private RetransformingAgent() {
    }

    public static void premain(String arguments, Instrumentation instrumentation) {
        RetransformingAgent.instrumentation = instrumentation;
    }

    static boolean isPresent() {
        return instrumentation != null;
    }

    static void retransformConnectClasses() throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (weaverIsAlive()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the selfconnect-weaver thread is still running after 10 s");
            }
            Thread.sleep(10);
        }
        List<Class<?>> classes = new ArrayList<>();
        for (String name : CONNECT_CLASSES) {
            classes.add(Class.forName(name, false, null));
        }
        instrumentation.retransformClasses(classes.toArray(new Class<?>[0]));
        System.out.println("RESULT retransformed " + classes.size() + " classes");
    }

    private static boolean weaverIsAlive() {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals("selfconnect-weaver")) {
                return true;
            }
        }
        return false;
    }
}
