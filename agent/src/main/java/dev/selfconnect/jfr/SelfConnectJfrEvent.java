package dev.selfconnect.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.StackTrace;

/** The fields both selfconnect JFR events carry; JFR also records the thread, the time and the stack. */
@Category({"selfconnect"})
@StackTrace(true)
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
    @Description("The application's frames that made the connect or bind, one per line (JFR's stack trace shows"
            + " the agent's frames first)")
    String applicationFrames;
}
