package dev.selfconnect.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.StackTrace;

/**
 * The fields both selfconnect JFR events carry; JFR also records the thread and the time. JFR's own stack trace is
 * off: it would start in the agent's frames, and {@code jfr print} shows only its first five; the stack, from the
 * application's first frame, is {@link #applicationFrames}.
 */
@Category({"selfconnect"})
@StackTrace(false)
abstract class SelfConnectJfrEvent extends Event {

    @Label("Kind")
    @Description("self-connection, risk-connect or risk-listen")
    String kind;

    @Label("Local Address")
    String localAddress;

    @Label("Local Port")
    int localPort;

    @Label("Remote Address")
    String remoteAddress;

    @Label("Remote Port")
    int remotePort;

    @Label("API")
    String api;

    @Label("Thread Name")
    String threadName;

    @Label("Message")
    String message;

    @Label("Fix")
    String fix;

    @Label("Application Frames")
    @Description("The stack that made the connect or bind, from the application's first frame, one per line")
    String applicationFrames;
}
