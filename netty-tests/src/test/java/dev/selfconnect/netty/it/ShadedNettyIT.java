package dev.selfconnect.netty.it;

import dev.selfconnect.netty.it.NettyJvm.Jdk;
import dev.selfconnect.netty.it.NettyJvm.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client library that ships Netty relocated inside its own jar, whose name says nothing of Netty (the build makes
 * it: {@code client-library.jar}, Netty 4.2's epoll transport under {@code com.example.shaded.io.netty}): its first
 * connect, 0.3 s after main, self-connects, and is rejected in mode=throw. Nothing on the class path names Netty, so
 * the agent cannot know Netty is there before the library shows itself. It runs alone: its subject is how soon the
 * agent gets there, which other tests' JVMs on the same processors would change.
 */
@Isolated
class ShadedNettyIT {

    private static final Path SHADED_JAR = Paths.get(System.getProperty("selfconnect.test.shadedClient",
            "target/shaded-client/client-library.jar"));
    private static final String CLIENT = "dev.selfconnect.netty.scenarios.shaded.ShadedClient";
    /** When the client's first connect starts, after main started (at the earliest: once its Netty is up). */
    private static final String CONNECT_AFTER_MILLIS = "300";

    private static Path directory;
    private static String classPath;

    static List<Jdk> jdks() {
        return NettyJvm.jdks();
    }

    /** The jar, copied out of this module's directory, whose path says netty-tests. */
    @BeforeAll
    static void copyTheJar() throws IOException {
        directory = Files.createTempDirectory("client-lib");
        Path jar = Files.copy(SHADED_JAR, directory.resolve(SHADED_JAR.getFileName()));
        classPath = jar.toString();
        assertFalse(classPath.toLowerCase(Locale.ROOT).contains("netty"), classPath);
    }

    @AfterAll
    static void removeTheJar() throws IOException {
        Files.deleteIfExists(directory.resolve(SHADED_JAR.getFileName()));
        Files.deleteIfExists(directory);
    }

    private static Result client(Jdk jdk, String agent, String connectAfterMillis) {
        Result result = NettyJvm.run(jdk, agent, classPath, CLIENT, connectAfterMillis);
        NettyJvm.requireAvailable(result);
        assertTrue(result.has("netty package com.example.shaded.io.netty.channel.epoll"), result::toString);
        assertTrue(result.has("connecting "), result::toString);
        return result;
    }

    @ParameterizedTest(name = "{0}: without the agent, the relocated Netty's first connect talks to itself")
    @MethodSource("jdks")
    void withoutTheAgent(Jdk jdk) {
        Result result = client(jdk, null, CONNECT_AFTER_MILLIS);
        assertTrue(result.has("connected local=127.0.0.1:40000 remote=127.0.0.1:40000"), result::toString);
    }

    @ParameterizedTest(name = "{0}: mode=throw rejects the relocated Netty's first connect, 0.3 s after main")
    @MethodSource("jdks")
    void throwModeRejectsTheFirstConnect(Jdk jdk) {
        assertRejected(client(jdk, "mode=throw", CONNECT_AFTER_MILLIS));
    }

    @ParameterizedTest(name = "{0}: mode=throw rejects a connect made as soon as the relocated Netty is up at main")
    @MethodSource("jdks")
    void throwModeRejectsAConnectAtMainsStart(Jdk jdk) {
        assertRejected(client(jdk, "mode=throw", "0"));
    }

    private static void assertRejected(Result result) {
        assertTrue(result.has("failed dev.selfconnect.SelfConnectException"), result::toString);
        assertEquals(1, result.warnings().size(), result::toString);
        assertTrue(result.warnings().get(0).contains("self-connection " + NettyTransportsIT.SELF
                + " via Netty epoll on thread"), result::toString);
        assertTrue(result.warnings().get(0).endsWith("reset the connection and threw SelfConnectException "
                + "(mode=throw)"), result::toString);
        assertEquals(List.of(), result.errors(), result::toString);
    }
}
