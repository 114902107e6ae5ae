package dev.selfconnect.vocabulary;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApplicationFramesTest {

    private static final String NL = System.lineSeparator();

    @ParameterizedTest
    @ValueSource(strings = {"java.net.Socket", "javax.net.ssl.SSLSocket", "jdk.internal.reflect.Reflection",
            "sun.nio.ch.SocketChannelImpl", "sun.nio.ch.SelfConnectBridge", "com.sun.net.httpserver.HttpServer",
            "dev.selfconnect.SelfConnectException", "dev.selfconnect.agent.SelfConnectAgent",
            "dev.selfconnect.config.Settings", "dev.selfconnect.detection.ConnectGuard",
            "dev.selfconnect.detection.ConnectGuard$$Lambda$42/0x0000000800c0b000",
            "dev.selfconnect.audit.Audit", "dev.selfconnect.hooks.JdkHooks",
            "dev.selfconnect.shaded.bytebuddy.ByteBuddy"})
    void jdkAndAgentFramesAreTrimmed(String className) {
        assertTrue(ApplicationFrames.isAgentOrJdk(className), className);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev.selfconnect.demo.DemoApp", "dev.selfconnect.scenarios.ConnectScenarios",
            "dev.selfconnect.SelfConnectExceptionTest", "com.example.Client", "org.apache.http.impl.Client",
            "sunrise.Clock", "javafake.Thing", "Main"})
    void applicationFramesAreKept(String className) {
        assertFalse(ApplicationFrames.isAgentOrJdk(className), className);
    }

    /** A new package of the agent that the filter does not know would show up in every record's frames. */
    @Test
    void everyPackageOfTheAgentIsTrimmed() throws IOException {
        Path classes = Paths.get("target/classes/dev/selfconnect");
        List<String> packages;
        try (Stream<Path> files = Files.walk(classes)) {
            packages = files.filter(file -> file.toString().endsWith(".class"))
                    .map(file -> Paths.get("target/classes").relativize(file.getParent()).toString()
                            .replace('/', '.'))
                    .distinct().collect(Collectors.toList());
        }
        assertFalse(packages.isEmpty());
        for (String name : packages) {
            if (!name.equals("dev.selfconnect") && !name.startsWith("dev.selfconnect.cli")
                    && !name.startsWith("dev.selfconnect.scan")) {
                assertTrue(ApplicationFrames.isAgentOrJdk(name + ".AnyClass"), name);
            }
        }
    }

    @Test
    void applicationFramesAreKeptInOrder() {
        StackTraceElement[] stack = {
            frame("dev.selfconnect.detection.ConnectGuard", "apply"),
            frame("sun.nio.ch.SelfConnectBridge", "afterConnect"),
            frame("java.net.Socket", "connect"),
            frame("com.example.Client", "open"),
            frame("java.util.concurrent.FutureTask", "run"),
            frame("com.example.Main", "main"),
        };

        assertArrayEquals(new String[] {stack[3].toString(), stack[5].toString()}, ApplicationFrames.of(stack));
    }

    @Test
    void atMostTwentyFramesAreKept() {
        StackTraceElement[] stack = new StackTraceElement[25];
        for (int i = 0; i < stack.length; i++) {
            stack[i] = frame("com.example.Layer" + i, "call");
        }

        String[] frames = ApplicationFrames.of(stack);

        assertEquals(ApplicationFrames.MAX_FRAMES, frames.length);
        assertEquals(stack[19].toString(), frames[19]);
    }

    @Test
    void asLinesIndentsEachFrameOrSaysThereAreNone() {
        assertEquals(NL + "\tat a.B.c(B.java:1)" + NL + "\tat d.E.f(E.java:2)",
                ApplicationFrames.asLines(new String[] {"a.B.c(B.java:1)", "d.E.f(E.java:2)"}));
        assertEquals(NL + ApplicationFrames.NONE_LINE, ApplicationFrames.asLines(new String[0]));
    }

    private static StackTraceElement frame(String className, String method) {
        return new StackTraceElement(className, method, className.substring(className.lastIndexOf('.') + 1)
                + ".java", 1);
    }
}
