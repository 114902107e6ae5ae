package dev.selfconnect.scenarios;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassDefinition;
import java.lang.instrument.Instrumentation;
import java.net.Socket;

/**
 * A second agent, as a debugger's HotSwap or Byte Buddy's REDEFINITION strategy would be: before the scenario runs,
 * it redefines java.net.Socket with the class file the JDK ships (which has no hook), once the selfconnect agent has
 * finished weaving, then waits for the agent's status to say the hook is back. Its jar holds nothing but a manifest;
 * this class comes from the test classes on the class path.
 */
public final class RedefiningAgent {

    private static final String MARKER = "dev.selfconnect.agent";
    private static final long WAIT_NANOS = 30_000_000_000L;

    private static volatile Instrumentation instrumentation;

    private RedefiningAgent() {
    }

    public static void premain(String arguments, Instrumentation instrumentation) {
        RedefiningAgent.instrumentation = instrumentation;
    }

    static boolean isPresent() {
        return instrumentation != null;
    }

    static void redefineSocket() throws Exception {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (threadAlive("selfconnect-weaver") || !threadAlive("selfconnect-status")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the agent's weaving is not verified after 30 s");
            }
            Thread.sleep(10);
        }
        instrumentation.redefineClasses(new ClassDefinition(Socket.class, originalClassFile()));
        System.out.println("RESULT redefined java.net.Socket");
        deadline = System.nanoTime() + WAIT_NANOS;
        while (!System.getProperty(MARKER, "").contains("restored: 1")) {
            if (System.nanoTime() > deadline) {
                System.out.println("RESULT no restoration within 30 s");
                return;
            }
            Thread.sleep(10);
        }
        System.out.println("RESULT status says restored");
    }

    private static byte[] originalClassFile() throws IOException {
        try (InputStream in = ClassLoader.getSystemResourceAsStream("java/net/Socket.class")) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                bytes.write(buffer, 0, n);
            }
            return bytes.toByteArray();
        }
    }

    private static boolean threadAlive(String name) {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals(name)) {
                return true;
            }
        }
        return false;
    }
}
