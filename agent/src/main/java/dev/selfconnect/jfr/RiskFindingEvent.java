package dev.selfconnect.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

@Category({"selfconnect"})
@StackTrace(false)
@Name("dev.selfconnect.RiskFinding")
@Label("Self-Connection Risk")
@Description("A connect to, or a listener on, a local port inside net.ipv4.ip_local_port_range that is not reserved")
final class RiskFindingEvent extends SelfConnectJfrEvent {
}
