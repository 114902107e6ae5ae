package dev.selfconnect.cli;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import dev.selfconnect.cli.Failures.AttachCause;
import dev.selfconnect.cli.Failures.LoadCause;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The texts are those the JDK's attach API throws (HotSpot on Linux unless said otherwise). */
class FailuresTest {

    private static final Path JAR = Paths.get("/opt/selfconnect.jar");

    @Test
    void aProcessThatIsGone() {
        assertEquals(AttachCause.NO_SUCH_PROCESS, AttachCause.of(new IOException("No such process"), true));
        assertEquals(AttachCause.NO_SUCH_PROCESS,
                AttachCause.of(new IOException("non existent JVM pid: 4242"), true));
        CliException e = Failures.attach("4242", new IOException("No such process"), true);
        assertEquals("there is no JVM with pid 4242 (No such process)", e.getMessage());
    }

    @Test
    void notFoundMeansGoneOnlyWhereNoProcCheckedThePidFirst() {
        IOException notFound = new IOException("Process 4242 not found");
        assertEquals(AttachCause.NO_SUCH_PROCESS, AttachCause.of(notFound, false));
        assertEquals(AttachCause.OTHER, AttachCause.of(notFound, true));
        assertEquals("cannot attach to JVM 4242: IOException: Process 4242 not found",
                Failures.attach("4242", notFound, true).getMessage());
    }

    @Test
    void anotherUsersProcess() {
        for (String text : new String[] {"Permission denied", "Operation not permitted",
                "file should be owned by the current user (which is 1000) but is owned by 0",
                "well-known file /tmp/.java_pid4242 is not secure"}) {
            assertEquals(AttachCause.NOT_PERMITTED, AttachCause.of(new IOException(text), true), text);
        }
        assertEquals("JVM 4242 refused the attach: it belongs to another user, or this user may not signal it "
                        + "(Permission denied); run this tool as the JVM's user",
                Failures.attach("4242", new IOException("Permission denied"), true).getMessage());
    }

    @Test
    void aJvmThatDoesNotAcceptAttachRequests() {
        AttachNotSupportedException refused = new AttachNotSupportedException("Unable to open socket file "
                + "/proc/4242/root/tmp/.java_pid4242: target process 4242 doesn't respond within 10500ms or HotSpot "
                + "VM not loaded");
        assertEquals(AttachCause.NOT_SUPPORTED, AttachCause.of(refused, true));
        assertEquals("JVM 4242 does not accept attach requests (" + refused.getMessage() + "): it may have been "
                + "started with -XX:+DisableAttachMechanism, be starting up or ending, or not be a HotSpot or OpenJ9 "
                + "JVM", Failures.attach("4242", refused, true).getMessage());
    }

    @Test
    void theTextDecidesBeforeTheType() {
        assertEquals(AttachCause.NOT_PERMITTED,
                AttachCause.of(new AttachNotSupportedException("Permission denied"), true));
    }

    @Test
    void anythingElseShowsTheException() {
        assertEquals(AttachCause.OTHER, AttachCause.of(new IOException("Connection refused"), true));
        assertEquals(AttachCause.OTHER, AttachCause.of(new IllegalStateException(), true));
        CliException e = Failures.attach("4242", new IllegalStateException(), true);
        assertEquals("cannot attach to JVM 4242: IllegalStateException", e.getMessage());
        assertSame(IllegalStateException.class, e.getCause().getClass());
    }

    @Test
    void aJvmThatRefusesAgentsWhileItRuns() {
        AgentLoadException refused = new AgentLoadException("Failed to load agent library: Dynamic agent loading is "
                + "not enabled. Use -XX:+EnableDynamicAgentLoading to launch target VM.");
        assertEquals(LoadCause.DYNAMIC_LOADING_DISABLED, LoadCause.of(refused));
        assertEquals("JVM 4242 does not allow agents to be loaded while it runs (" + refused.getMessage() + "); "
                + "start it with -javaagent:/opt/selfconnect.jar instead",
                Failures.load("4242", refused, "", JAR, 1000).getMessage());
    }

    @Test
    void aJarTheJvmCannotOpen() {
        AgentLoadException badJar = new AgentLoadException("Agent JAR not found or no Agent-Class attribute");
        assertEquals(LoadCause.JAR_UNREADABLE, LoadCause.of(badJar));
        assertEquals("JVM 4242 could not open the agent jar /opt/selfconnect.jar (Agent JAR not found or no "
                + "Agent-Class attribute): the JVM's user (uid 1000) must be able to read it",
                Failures.load("4242", badJar, "", JAR, 1000).getMessage());
    }

    @Test
    void anAgentThatFailedInsideGivesItsAnswer() {
        AgentInitializationException failed = new AgentInitializationException("Agent JAR loaded but agent failed "
                + "to initialize");
        assertEquals(LoadCause.OTHER, LoadCause.of(failed));
        assertEquals("loading the agent into JVM 4242 failed: AgentInitializationException: Agent JAR loaded but "
                + "agent failed to initialize; see the JVM's standard error",
                Failures.load("4242", failed, "", JAR, 1000).getMessage());
        assertEquals("loading the agent into JVM 4242 failed: AgentInitializationException: Agent JAR loaded but "
                + "agent failed to initialize (the JVM's reply property, which is not the agent's answer to this "
                + "request: 'half an answer'); see the JVM's standard error",
                Failures.load("4242", failed, "half an answer", JAR, 1000).getMessage());
    }

    @Test
    void shortReasonDropsThePackage() {
        assertEquals("IOException: Connection refused", Failures.shortReason(new IOException("Connection refused")));
        assertEquals("NullPointerException", Failures.shortReason(new NullPointerException()));
    }
}
