package dev.selfconnect.audit;

/**
 * The JDK Flight Recorder sink, where the JVM has JFR; elsewhere the agent runs without it. Nothing of JFR is looked
 * up or loaded until the first event: the real sink, {@code dev.selfconnect.jfr.JfrEventSink} (compiled for Java 11),
 * is found reflectively then, and only if {@code jdk.jfr.FlightRecorder} exists.
 */
final class FlightRecorderSink implements EventSink {

    private static final String SINK = "dev.selfconnect.jfr.JfrEventSink";
    private static final EventSink NONE = new EventSink() {
        @Override
        public void publish(AuditEvent event) {
        }

        @Override
        public void close() {
        }
    };

    private volatile EventSink sink;

    @Override
    public void publish(AuditEvent event) {
        EventSink target = sink;
        if (target == null) {
            target = find();
            sink = target;
        }
        target.publish(event);
    }

    @Override
    public void close() {
    }

    static EventSink find() {
        try {
            Class.forName("jdk.jfr.FlightRecorder", false, null);
            return (EventSink) Class.forName(SINK, true, FlightRecorderSink.class.getClassLoader())
                    .getConstructor().newInstance();
        } catch (Throwable noJfr) {
            // Java 8 without JFR, or a JDK image without the jdk.jfr module
            return NONE;
        }
    }

    @Override
    public String toString() {
        return "JDK Flight Recorder";
    }
}
