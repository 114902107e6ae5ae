package dev.selfconnect.reporting;

import dev.selfconnect.testing.Stderr;
import dev.selfconnect.detection.SelfConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SelfConnectionReportTest {

    private static final String NL = System.lineSeparator();
    private static final String NO_APPLICATION_FRAMES =
            NL + "\t(no application frames: the JDK completed this connect on its own thread)";
    private static final String RECORD_START = "[selfconnect] WARN self-connection 127.0.0.1:40000 -> 127.0.0.1:40000"
            + " via Socket.connect on thread \"main\": nothing listens on 40000, and the kernel handed that same port"
            + " to this client as its source port (move the server to a port outside net.ipv4.ip_local_port_range,"
            + " or reserve it in net.ipv4.ip_local_reserved_ports); the connection was left open (mode=log)";

    @ParameterizedTest
    @ValueSource(strings = {"java.net.Socket", "javax.net.ssl.SSLSocket", "jdk.internal.reflect.Reflection",
            "sun.nio.ch.SocketChannelImpl", "sun.nio.ch.SelfConnectBridge", "com.sun.net.httpserver.HttpServer",
            "dev.selfconnect.SelfConnectException", "dev.selfconnect.agent.SelfConnectAgent",
            "dev.selfconnect.config.Settings", "dev.selfconnect.detection.ConnectGuard",
            "dev.selfconnect.detection.ConnectGuard$$Lambda$42/0x0000000800c0b000",
            "dev.selfconnect.instrumentation.SocketConnectPoint$ConnectAdvice",
            "dev.selfconnect.reporting.SelfConnectionReport", "dev.selfconnect.shaded.bytebuddy.ByteBuddy"})
    void jdkAndAgentFramesAreTrimmed(String className) {
        assertTrue(SelfConnectionReport.isAgentOrJdk(className), className);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev.selfconnect.demo.DemoApp", "dev.selfconnect.scenarios.ConnectScenarios",
            "dev.selfconnect.SelfConnectExceptionTest", "com.example.Client", "org.apache.http.impl.Client",
            "sunrise.Clock", "javafake.Thing", "Main"})
    void applicationFramesAreKept(String className) {
        assertFalse(SelfConnectionReport.isAgentOrJdk(className), className);
    }

    @Test
    void applicationFramesAreWrittenInOrderWithoutJdkOrAgentFrames() {
        StackTraceElement[] stack = {
            frame("dev.selfconnect.detection.ConnectGuard", "apply"),
            frame("sun.nio.ch.SelfConnectBridge", "afterConnect"),
            frame("java.net.Socket", "connect"),
            frame("com.example.Client", "open"),
            frame("java.util.concurrent.FutureTask", "run"),
            frame("com.example.Main", "main"),
        };
        StringBuilder record = new StringBuilder("record");

        SelfConnectionReport.appendApplicationFrames(record, stack);

        assertEquals("record" + NL + "\tat " + stack[3] + NL + "\tat " + stack[5], record.toString());
    }

    @Test
    void twentyApplicationFramesAreWrittenInFull() {
        StringBuilder record = new StringBuilder();

        SelfConnectionReport.appendApplicationFrames(record, applicationFrames(20));

        assertEquals(20, AgentLogTest.occurrences(record.toString(), "\tat "), record::toString);
        assertFalse(record.toString().contains("..."), record::toString);
    }

    @Test
    void moreThanTwentyApplicationFramesAreCut() {
        StackTraceElement[] stack = applicationFrames(25);
        StringBuilder record = new StringBuilder();

        SelfConnectionReport.appendApplicationFrames(record, stack);

        assertEquals(20, AgentLogTest.occurrences(record.toString(), "\tat "), record::toString);
        assertTrue(record.toString().endsWith(NL + "\tat " + stack[19] + NL + "\t..."), record::toString);
    }

    @Test
    void trimmedFramesDoNotCountTowardsTheLimit() {
        List<StackTraceElement> stack = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            stack.add(frame("java.net.Socket", "connect" + i));
        }
        stack.addAll(List.of(applicationFrames(20)));
        StringBuilder record = new StringBuilder();

        SelfConnectionReport.appendApplicationFrames(record, stack.toArray(new StackTraceElement[0]));

        assertEquals(20, AgentLogTest.occurrences(record.toString(), "\tat "), record::toString);
        assertFalse(record.toString().contains("..."), record::toString);
    }

    @Test
    void noApplicationFramesIsSaid() {
        StackTraceElement[] stack = {
            frame("dev.selfconnect.detection.ConnectGuard", "apply"),
            frame("sun.nio.ch.Iocp$EventHandlerTask", "run"),
            frame("java.lang.Thread", "run"),
        };
        StringBuilder record = new StringBuilder("record");

        SelfConnectionReport.appendApplicationFrames(record, stack);

        assertEquals("record" + NO_APPLICATION_FRAMES, record.toString());
    }

    @Test
    void emptyStackIsSaidToHaveNoApplicationFrames() {
        StringBuilder record = new StringBuilder("record");

        SelfConnectionReport.appendApplicationFrames(record, new StackTraceElement[0]);

        assertEquals("record" + NO_APPLICATION_FRAMES, record.toString());
    }

    @Test
    void writePrintsOneRecordWithTheApplicationFrames() throws Exception {
        StackTraceElement[] stack = {
            frame("java.net.Socket", "connect"),
            frame("dev.selfconnect.demo.DemoApp", "main"),
        };
        SelfConnection connection = new SelfConnection(InetAddress.getByName("127.0.0.1"), 40000, "Socket.connect",
                "main", stack, null);

        String err = Stderr.capture(() ->
                SelfConnectionReport.write(connection, "the connection was left open (mode=log)", true));

        assertEquals(RECORD_START + NL + "\tat " + stack[1] + NL, err);
        assertEquals(1, AgentLogTest.occurrences(err, "[selfconnect]"), err);
    }

    @Test
    void writeWithoutFramesPrintsOneLine() throws Exception {
        SelfConnection connection = new SelfConnection(InetAddress.getByName("127.0.0.1"), 40000, "Socket.connect",
                "main", applicationFrames(3), null);

        String err = Stderr.capture(() ->
                SelfConnectionReport.write(connection, "the connection was left open (mode=log)", false));

        assertEquals(RECORD_START + NL, err);
    }

    private static StackTraceElement[] applicationFrames(int count) {
        StackTraceElement[] frames = new StackTraceElement[count];
        for (int i = 0; i < count; i++) {
            frames[i] = frame("com.example.Layer" + i, "call");
        }
        return frames;
    }

    private static StackTraceElement frame(String className, String method) {
        String simpleName = className.substring(className.lastIndexOf('.') + 1);
        return new StackTraceElement(className, method, simpleName + ".java", 10);
    }
}
