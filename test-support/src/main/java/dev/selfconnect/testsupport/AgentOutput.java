package dev.selfconnect.testsupport;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the agent wrote, read back by tests: its records on standard error, its summary, its JSON Lines events. */
public final class AgentOutput {

    private static final String SUMMARY = "[selfconnect] SUMMARY ";
    /** The summary's first line ends with the process's identity, which is not a count. */
    private static final Pattern IDENTITY_SUFFIX = Pattern.compile("; service\\.name=.*$");
    private static final Pattern KIND = Pattern.compile("\"kind\":\"([^\"]+)\"");
    private static final Pattern API = Pattern.compile("\"api\":\"([^\"]+)\"");
    /** Checks, self-connections, exceptions thrown, risk findings, internal failures. */
    private static final int COUNTERS = 5;

    private AgentOutput() {
    }

    /** An agent record: its first line and the lines under it (frames). */
    public record Record(String head, List<String> body) {
        @Override
        public String toString() {
            return head + (body.isEmpty() ? "" : " [+" + body.size() + " lines: " + body.get(0).trim() + "]");
        }
    }

    /** The WARN and RISK records on standard error, in order. */
    public static List<Record> records(String stderr) {
        List<Record> records = new ArrayList<>();
        List<String> body = null;
        for (String line : stderr.split("\n", -1)) {
            if (line.startsWith("[selfconnect] WARN ") || line.startsWith("[selfconnect] RISK ")) {
                body = new ArrayList<>();
                records.add(new Record(line, body));
            } else if (line.startsWith("\t") && body != null) {
                body.add(line);
            } else {
                body = null;
            }
        }
        return records;
    }

    /** The SUMMARY lines, in order. */
    public static List<String> summary(String stderr) {
        return stderr.lines().filter(line -> line.startsWith(SUMMARY)).toList();
    }

    /**
     * The summary's first line as these counts make it, without an internal failure.
     *
     * @param counters checks, self-connections, exceptions thrown, risk findings
     */
    public static String summaryCounts(long[] counters) {
        return SUMMARY + counters[1] + " self-connection(s), " + counters[3] + " risk finding(s), " + counters[2]
                + " SelfConnectException(s) thrown, " + counters[0] + " connect(s) checked";
    }

    /** The summary's first line without the identity it ends with. */
    public static String withoutIdentity(String summaryLine) {
        return IDENTITY_SUFFIX.matcher(summaryLine).replaceFirst("");
    }

    /**
     * Each line of a JSON Lines audit file as "KIND API" ("self-connection Socket"), in order.
     *
     * @throws AssertionError for a line that is not a JSON object with both
     */
    public static List<String> auditEvents(List<String> lines) {
        List<String> events = new ArrayList<>();
        for (String line : lines) {
            Matcher kind = KIND.matcher(line);
            Matcher api = API.matcher(line);
            if (!(line.startsWith("{") && line.endsWith("}") && kind.find() && api.find())) {
                throw new AssertionError("not a JSON line with a kind and an API: " + line);
            }
            events.add(kind.group(1) + " " + api.group(1));
        }
        return events;
    }

    /**
     * One step of a scenario that reports each step as {@code RESULT KIND NAME outcome ...}, {@code ... port ...} and
     * {@code ... counters ...} (the agent's MBean counters after it, or "none"), with the counters' change since the
     * step before.
     */
    public record Step(String name, String outcome, String port, long[] counters, long[] delta) {
    }

    /** The steps the scenario reported, in the order named, up to the first it did not report in full. */
    public static List<Step> steps(String stdout, String kind, List<String> names) {
        List<Step> steps = new ArrayList<>();
        long[] before = new long[COUNTERS];
        for (String name : names) {
            String prefix = "RESULT " + kind + " " + name + " ";
            String outcome = field(stdout, prefix + "outcome ");
            String port = field(stdout, prefix + "port ");
            String counters = field(stdout, prefix + "counters ");
            if (outcome == null || port == null || counters == null) {
                break;
            }
            long[] now = counters.equals("none") ? null
                    : Arrays.stream(counters.split(" ")).mapToLong(Long::parseLong).toArray();
            long[] delta = null;
            if (now != null) {
                delta = new long[now.length];
                for (int i = 0; i < now.length; i++) {
                    delta[i] = now[i] - before[i];
                }
                before = now;
            }
            steps.add(new Step(name, outcome, port, now, delta));
        }
        return steps;
    }

    private static String field(String stdout, String prefix) {
        return stdout.lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()))
                .findFirst().orElse(null);
    }
}
