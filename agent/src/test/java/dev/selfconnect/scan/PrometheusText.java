package dev.selfconnect.scan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A strict reader of the Prometheus text format as the scan writes it (gauges, labels, HELP and TYPE), for tests. */
public final class PrometheusText {

    private PrometheusText() {
    }

    private static final Pattern SAMPLE = Pattern.compile("([a-z_]+)(?:\\{(.*)\\})? (-?[0-9.]+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\[\\\\\"n])*)\"(,|$)");

    /** Each sample as "name{k=v,...}" (labels unescaped) to its value; fails on any line that is not valid. */
    public static Map<String, Double> parse(String text) {
        Map<String, Double> samples = new LinkedHashMap<>();
        Set<String> typed = new java.util.HashSet<>();
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                assertTrue(line.matches("# TYPE [a-z_]+ gauge"), line);
                assertTrue(typed.add(line.split(" ")[2]), "TYPE given twice: " + line);
                continue;
            }
            if (line.startsWith("# HELP ")) {
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            assertTrue(sample.matches(), "not a sample: " + line);
            assertTrue(typed.contains(sample.group(1)), "no TYPE before " + line);
            StringBuilder key = new StringBuilder(sample.group(1));
            if (sample.group(2) != null) {
                Matcher label = LABEL.matcher(sample.group(2));
                List<String> labels = new ArrayList<>();
                int end = 0;
                while (label.find() && label.start() == end) {
                    labels.add(label.group(1) + "=" + label.group(2).replace("\\n", "\n").replace("\\\"", "\"")
                            .replace("\\\\", "\\"));
                    end = label.end();
                }
                assertEquals(sample.group(2).length(), end, "bad labels: " + line);
                key.append(labels.stream().collect(Collectors.joining(",", "{", "}")));
            }
            assertFalse(samples.containsKey(key.toString()), "twice: " + line);
            samples.put(key.toString(), Double.parseDouble(sample.group(3)));
        }
        return samples;
    }
}
