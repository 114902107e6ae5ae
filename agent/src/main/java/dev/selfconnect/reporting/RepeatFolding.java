package dev.selfconnect.reporting;

import java.text.SimpleDateFormat;
import java.util.Date;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Bounds the log's volume: the first self-connection to an endpoint is reported in full; repeats within the interval
 * are counted instead, and the next full record after the interval says how many there were ("12 more since
 * 14:03:07"). The counters, the audit file and JMX stay exact; only the log folds.
 */
public final class RepeatFolding {

    /** Beyond this many endpoints the oldest windows are forgotten (their repeats then print in full again). */
    static final int MAX_ENDPOINTS = 1000;

    private final long intervalMillis;
    private final Map<String, Window> windows = new HashMap<String, Window>();

    private static final class Window {
        long startMillis;
        long folded;

        Window(long startMillis) {
            this.startMillis = startMillis;
        }
    }

    /** @param intervalSeconds 0: every record in full */
    public RepeatFolding(int intervalSeconds) {
        this.intervalMillis = intervalSeconds * 1000L;
    }

    /**
     * @return null when this repeat is folded into the count (no record); else what the full record adds: "" for a
     *         first record, or "; 12 more since 14:03:07" after folded repeats
     */
    public synchronized String next(String endpoint, long nowMillis) {
        if (intervalMillis == 0) {
            return "";
        }
        Window window = windows.get(endpoint);
        if (window != null && nowMillis - window.startMillis < intervalMillis) {
            window.folded++;
            return null;
        }
        String note = window == null || window.folded == 0 ? ""
                : "; " + window.folded + " more since " + time(window.startMillis);
        if (window == null) {
            if (windows.size() >= MAX_ENDPOINTS) {
                windows.clear();
            }
            windows.put(endpoint, new Window(nowMillis));
        } else {
            window.startMillis = nowMillis;
            window.folded = 0;
        }
        return note;
    }

    private static String time(long millis) {
        return new SimpleDateFormat("HH:mm:ss", Locale.ROOT).format(new Date(millis));
    }
}
