package dev.selfconnect.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

@Category({"selfconnect"})
@StackTrace(false)
@Name("dev.selfconnect.SelfConnection")
@Label("TCP Self-Connection")
@Description("A TCP connection whose local endpoint equals its remote endpoint")
final class SelfConnectionEvent extends SelfConnectJfrEvent {
}
