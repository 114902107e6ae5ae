package dev.selfconnect.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandLineTest {

    @Test
    void withoutArgumentsItReproducesWithTheDefaults() throws Exception {
        CommandLine line = CommandLine.parse();
        assertEquals(CommandLine.Command.REPRODUCE, line.command());
        assertEquals(OptionalInt.empty(), line.port());
        assertEquals(Api.SOCKET, line.api());
        assertEquals(InetAddress.getByName("127.0.0.1"), line.host());
        assertEquals(CommandLine.DEFAULT_MAX_ATTEMPTS, line.maxAttempts());
        assertEquals(0, line.holdSeconds());
    }

    @Test
    void readsEveryReproduceOption() throws Exception {
        CommandLine line = CommandLine.parse(
                "reproduce", "--port", "40000", "--api", "async", "--host", "::1", "--max-attempts", "7", "--hold", "3");
        assertEquals(OptionalInt.of(40000), line.port());
        assertEquals(Api.ASYNC, line.api());
        assertEquals(InetAddress.getByName("::1"), line.host());
        assertEquals(7, line.maxAttempts());
        assertEquals(3, line.holdSeconds());
    }

    @Test
    void optionsWithoutACommandMeanReproduce() throws Exception {
        CommandLine line = CommandLine.parse("--api", "http");
        assertEquals(CommandLine.Command.REPRODUCE, line.command());
        assertEquals(Api.HTTP, line.api());
    }

    @Test
    void everyApiHasAName() throws Exception {
        for (Api api : Api.values()) {
            assertEquals(api, CommandLine.parse("--api", api.cliName()).api());
        }
    }

    @Test
    void readsTheOtherCommands() throws Exception {
        assertEquals(CommandLine.Command.PORT_STEAL, CommandLine.parse("port-steal", "--max-attempts", "5").command());
        CommandLine serve = CommandLine.parse("serve", "--port", "8080", "--for", "2");
        assertEquals(CommandLine.Command.SERVE, serve.command());
        assertEquals(OptionalInt.of(2), serve.forSeconds());
        assertEquals(CommandLine.Command.FREE_PORT, CommandLine.parse("free-port").command());
        assertEquals(CommandLine.Command.HELP, CommandLine.parse("reproduce", "--help").command());
        assertEquals(CommandLine.Command.HELP, CommandLine.parse("-h").command());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "--port abc", "--port 0", "--port 65536", "--port -1", "--port", "--api", "--api ftp", "--api SOCKET",
        "bogus", "reproduce --bogus 1", "--max-attempts 0", "--hold -1", "--host 192.0.2.1", "--port 1 --port 2",
        "serve --api socket", "port-steal --hold 1", "serve --for 0", "free-port --port 1", "help --port 1"})
    void rejectsBadInput(String args) {
        UsageException e = assertThrows(UsageException.class, () -> CommandLine.parse(args.split(" ")));
        assertTrue(!e.getMessage().isBlank());
    }
}
