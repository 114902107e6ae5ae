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

    private static final String ID = "9f86d081884c7d65";

    /** The agent's text, which the tool shows and never reads: each outcome holds whatever it says. */
    private static final String ANY_TEXT = "selfconnect 9.9 failed to install: this sentence means nothing here";

    private static String written(Status status, String text) {
        return new AttachReply(status, text).format(ID);
    }

    @ParameterizedTest
    @EnumSource(value = Status.class, names = {"INSTALLED", "RECONFIGURED", "OFF", "DETACHED", "NOT_ACTIVE", "STATUS"})
    void aSuccessGivesTheTextToShow(Status status) throws CliException {
        AttachReply reply = ReplyOutcome.accept("4242", written(status, ANY_TEXT + "\nsecond line"), ID);
        assertEquals(status, reply.status());
        assertEquals(ANY_TEXT + "\nsecond line", reply.text());
    }

    @Test
    void rejectedSettingsSayWhichWithTheToolsWords() {
        CliException e = assertThrows(CliException.class, () -> ReplyOutcome.accept("4242",
                written(Status.INVALID_SETTING, "invalid value 'x' for selfconnect.audit.file (agent argument "
                        + "audit.file=x): expected a path"), ID));
        assertEquals("JVM 4242 rejected the settings: invalid value 'x' for selfconnect.audit.file (argument "
                + "audit.file=x): expected a path", e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = Status.class, names = {"ANOTHER_COPY", "FAILED"})
    void aFailureInTheTargetShowsItsText(Status status) {
        CliException e = assertThrows(CliException.class,
                () -> ReplyOutcome.accept("4242", written(status, "installed: all is well"), ID));
        assertEquals("JVM 4242: installed: all is well", e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Status.class)
    void everyStatusIsDecidedByItsToken(Status status) {
        boolean accepted;
        try {
            ReplyOutcome.accept("4242", written(status, ANY_TEXT), ID);
            accepted = true;
        } catch (CliException e) {
            accepted = false;
        }
        assertEquals(status.success(), accepted, status::toString);
    }

    @Test
    void noAnswerSaysWhereToLook() {
        CliException e = assertThrows(CliException.class, () -> ReplyOutcome.accept("4242", null, ID));
        assertEquals("JVM 4242 loaded the agent but no answer came back; see the JVM's standard error for lines "
                + "starting with [selfconnect]", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"selfconnect 0.1.0 active on Java 17: mode=throw", "selfconnect-reply", "",
            "selfconnect-reply installed-twice\nselfconnect active", "selfconnect-reply installed\nall is well",
            "selfconnect-reply 0000000000000000 installed\nanother request's answer"})
    void anythingButTheAnswerToThisRequestIsNotTakenAsOne(String content) {
        CliException e = assertThrows(CliException.class, () -> ReplyOutcome.accept("4242", content, ID));
        assertTrue(e.getMessage().startsWith("JVM 4242 answered, but not as selfconnect's agent can be recognised: "
                + "it is not the agent's answer to this request"), e.getMessage());
        assertTrue(e.getMessage().endsWith("it is not taken as the agent's reply (the JVM's answer, escaped: '"
                + content.replace("\n", "\\x0a") + "')"), e.getMessage());
    }

    @Test
    void theTextOfAReplyIsEscapedAndBounded() throws CliException {
        String hostile = "status \u001b[2J\u001b]0;owned\u0007 \u009b31m \u202eevil\u007f" + "x".repeat(5000);
        AttachReply reply = ReplyOutcome.accept("4242", written(Status.STATUS, hostile + "\nline 2\r"), ID);

        String shown = reply.text();
        for (char c : shown.toCharArray()) {
            assertTrue(c >= 0x20 && c != 0x7f && (c < 0x80 || c > 0x9f) && c != '\u202e' || c == '\n',
                    "a control character is left: " + (int) c);
        }
        assertTrue(shown.startsWith("status \\x1b[2J\\x1b]0;owned\\x07 \\x9b31m \\u202eevil\\x7f"), shown);
        assertTrue(shown.contains("... (") && shown.length() < 1200 + "\nline 2".length(), shown);
        assertTrue(shown.endsWith("\nline 2"), shown);
    }

    @Test
    void onlyAReconfigurationFoundTheAgentThere() throws CliException {
        for (Status status : new Status[] {Status.INSTALLED, Status.OFF, Status.RECONFIGURED}) {
            AttachReply reply = ReplyOutcome.accept("4242", written(status, ANY_TEXT), ID);
            assertEquals(status == Status.RECONFIGURED, ReplyOutcome.reconfigured(reply), status::toString);
        }
        assertTrue(ReplyOutcome.reconfigured(new AttachReply(Status.RECONFIGURED, "")));
        assertFalse(ReplyOutcome.reconfigured(new AttachReply(Status.INSTALLED, "reconfigured")));
    }
}
