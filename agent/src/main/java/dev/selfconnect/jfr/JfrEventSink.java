package dev.selfconnect.jfr;

import dev.selfconnect.audit.AuditEvent;
import dev.selfconnect.audit.EventSink;
import dev.selfconnect.identity.AgentIdentity;
import dev.selfconnect.vocabulary.Endpoint;
import dev.selfconnect.vocabulary.EventKind;
import jdk.jfr.FlightRecorder;

/**
 * Turns audit events into JDK Flight Recorder events. This package is compiled for Java 11 (jdk.jfr is not in the
 * Java 8 platform) and loaded only reflectively, where {@code jdk.jfr.FlightRecorder} exists.
 */
public final class JfrEventSink implements EventSink {

    @Override
    public void publish(AuditEvent event) {
        // Without a recording JFR is not initialized, and the first event class would initialize it (about 300 ms
        // on the connect that reports): nothing would record the event anyway.
        if (FlightRecorder.isInitialized()) {
            Events.commit(event);
        }
    }

    /**
     * The event classes are named only here: verifying a method that makes either event loads both of them, and
     * loading an event class costs JFR's set-up for it, which the connect that reports must not pay without a
     * recording.
     */
    private static final class Events {
        private Events() {
        }

        static void commit(AuditEvent event) {
            SelfConnectJfrEvent jfr = event.kind == EventKind.SELF_CONNECTION
                    ? new SelfConnectionEvent() : new RiskFindingEvent();
            if (!jfr.shouldCommit()) {
                return;
            }
            jfr.kind = event.kind.label();
            jfr.localAddress = Endpoint.address(event.localAddress);
            jfr.localPort = event.localPort;
            jfr.remoteAddress = Endpoint.address(event.remoteAddress);
            jfr.remotePort = event.remotePort;
            jfr.api = event.api;
            jfr.threadName = event.thread;
            jfr.message = event.message;
            jfr.fix = event.fix;
            jfr.applicationFrames = String.join("\n", event.frames);
            jfr.identify(AgentIdentity.current(), event.configuredService); // on the reporting thread
            jfr.commit();
        }
    }

    @Override
    public void close() {
    }
}
