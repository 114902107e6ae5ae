package dev.selfconnect.cli;

import dev.selfconnect.agent.AttachReply;
import dev.selfconnect.agent.AttachReply.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplyOutcomeTest {

    private static final String PATH = "/tmp/selfconnect-reply-1.txt";

    /** The agent's text, which the tool shows and never reads: each outcome holds whatever it says. */
    private static final String ANY_TEXT = "selfconnect 9.9 failed to install: this sentence means nothing here";

    private static String written(Status status, String text) {
        return new AttachReply(status, text).format() + "\n";
    }

    @ParameterizedTest
    @EnumSource(value = Status.class, names = {"INSTALLED", "RECONFIGURED", "OFF", "DETACHED", "NOT_ACTIVE", "STATUS"})
    void aSuccessGivesTheTextToShow(Status status) throws CliException {
        AttachReply reply = ReplyOutcome.accept("4242", written(status, ANY_TEXT + "\nsecond line"), PATH);
        assertEquals(status, reply.status());
        assertEquals(ANY_TEXT + "\nsecond line", reply.text());
    }

    @Test
    void rejectedSettingsSayWhichWithTheToolsWords() {
        CliException e = assertThrows(CliException.class, () -> ReplyOutcome.accept("4242",
                written(Status.INVALID_SETTING, "invalid value 'x' for selfconnect.audit.file (agent argument "
                        + "audit.file=x): expected a path"), PATH));
        assertEquals("JVM 4242 rejected the settings: invalid value 'x' for selfconnect.audit.file (argument "
                + "audit.file=x): expected a path", e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = Status.class, names = {"ANOTHER_COPY", "FAILED"})
    void aFailureInTheTargetShowsItsText(Status status) {
        CliException e = assertThrows(CliException.class,
                () -> ReplyOutcome.accept("4242", written(status, "installed: all is well"), PATH));
        assertEquals("JVM 4242: installed: all is well", e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Status.class)
    void everyStatusIsDecidedByItsToken(Status status) {
        boolean accepted;
        try {
            ReplyOutcome.accept("4242", written(status, ANY_TEXT), PATH);
            accepted = true;
        } catch (CliException e) {
            accepted = false;
        }
        assertEquals(status.success(), accepted, status::toString);
    }

    @Test
    void noAnswerSaysWhereItWasLookedFor() {
        CliException e = assertThrows(CliException.class, () -> ReplyOutcome.accept("4242", "", PATH));
        assertEquals("JVM 4242 loaded the agent but its answer did not arrive in " + PATH + "; see the JVM's "
                + "standard error for lines starting with [selfconnect]", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"selfconnect 0.1.0 active on Java 17: mode=throw", "selfconnect-reply",
            "selfconnect-reply installed-twice\nselfconnect active"})
    void aSentenceWithoutAKnownTokenIsNoReply(String content) {
        CliException e = assertThrows(CliException.class, () -> ReplyOutcome.accept("4242", content, PATH));
        assertEquals("JVM 4242 loaded the agent but its answer did not arrive in " + PATH + " (it held no reply: '"
                + content + "'); see the JVM's standard error for lines starting with [selfconnect]", e.getMessage());
    }

    @Test
    void onlyAReconfigurationFoundTheAgentThere() throws CliException {
        for (Status status : new Status[] {Status.INSTALLED, Status.OFF, Status.RECONFIGURED}) {
            AttachReply reply = ReplyOutcome.accept("4242", written(status, ANY_TEXT), PATH);
            assertEquals(status == Status.RECONFIGURED, ReplyOutcome.reconfigured(reply), status::toString);
        }
        assertTrue(ReplyOutcome.reconfigured(new AttachReply(Status.RECONFIGURED, "")));
        assertFalse(ReplyOutcome.reconfigured(new AttachReply(Status.INSTALLED, "reconfigured")));
    }
}
