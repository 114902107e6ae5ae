package dev.selfconnect.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ArgumentsTest {

    @Test
    void anOptionIsNamedWithTheCommandsUsage() {
        CliException e = assertThrows(CliException.class,
                () -> Arguments.require("status", List.of("--verbose", "42"), 1, 1, "status PID"));
        assertEquals("unknown option '--verbose' for status: usage: java -jar selfconnect.jar status PID",
                e.getMessage());
    }

    @Test
    void anOptionGivenToAttachShowsHowSettingsAreWritten() {
        CliException e = assertThrows(CliException.class, () -> Arguments.require("attach",
                List.of("42", "--mode=throw"), 1, Integer.MAX_VALUE, "attach PID [KEY=VALUE ...]"));
        assertEquals("unknown option '--mode=throw' for attach: usage: java -jar selfconnect.jar attach PID "
                + "[KEY=VALUE ...] (settings are KEY=VALUE, e.g. mode=throw)", e.getMessage());
    }

    @Test
    void tooFewAndTooManyArguments() {
        assertEquals("missing arguments for detach: usage: java -jar selfconnect.jar detach PID",
                assertThrows(CliException.class, () -> Arguments.require("detach", List.of(), 1, 1, "detach PID"))
                        .getMessage());
        assertEquals("too many arguments for list: usage: java -jar selfconnect.jar list",
                assertThrows(CliException.class, () -> Arguments.require("list", List.of("42"), 0, 0, "list"))
                        .getMessage());
        assertDoesNotThrow(() -> Arguments.require("status", List.of("42"), 1, 1, "status PID"));
    }

    @Test
    void settingsBecomeOneAgentArgument() throws CliException {
        assertEquals("mode=throw,stack-traces=false,ignore=8080",
                Arguments.settings(List.of("mode=throw", "stack-traces=false", "ignore=8080")));
        assertEquals("", Arguments.settings(List.of()));
    }

    @Test
    void aBadSettingIsRejectedHereWithTheAgentsWords() {
        CliException e = assertThrows(CliException.class, () -> Arguments.settings(List.of("mode=banana")));
        assertEquals("bad setting: invalid value 'banana' for selfconnect.mode (argument mode=banana): expected "
                + "log, throw or off", e.getMessage());
        assertThrows(CliException.class, () -> Arguments.settings(List.of("colour=red")));
        assertThrows(CliException.class, () -> Arguments.settings(List.of("throw")));
    }

    @Test
    void theAuditFileIsLeftToTheTargetWhichSeesItsOwnFileSystem() throws CliException {
        String unwritableHere = "/proc/selfconnect-no-such-dir/audit.jsonl";
        assertEquals("mode=log,audit.file=" + unwritableHere,
                Arguments.settings(List.of("mode=log", "audit.file=" + unwritableHere)));
        assertThrows(CliException.class, () -> Arguments.settings(List.of("audit.file=x", "risks=maybe")));
    }

    @Test
    void aPidIsAPositiveNumber() throws CliException {
        assertEquals("42", Arguments.pid("42"));
        assertEquals("42", Arguments.pid(" 0042 "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"12ab", "", "pid", "4.2"})
    void notANumberIsNoPid(String argument) {
        assertEquals("'" + argument + "' is not a process id: give the pid of a JVM, as 'java -jar selfconnect.jar "
                + "list' shows them", assertThrows(CliException.class, () -> Arguments.pid(argument)).getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1"})
    void zeroAndNegativeAreNoPids(String argument) {
        assertEquals("'" + argument + "' is not a process id: pids are positive numbers",
                assertThrows(CliException.class, () -> Arguments.pid(argument)).getMessage());
    }

    @Test
    void namesAreListedAsASentence() {
        assertEquals("list", Arguments.oneOf(List.of("list")));
        assertEquals("list or attach", Arguments.oneOf(List.of("list", "attach")));
        assertEquals("list, attach, status or detach", Arguments.oneOf(List.of("list", "attach", "status", "detach")));
    }
}
