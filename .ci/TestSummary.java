import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The end of a build in a few lines: how many tests ran, passed, failed and were skipped, for each reason of a skip
 * how many tests it skipped and where, and each test class that reported no test at all. Reads the Surefire and
 * Failsafe XML reports of every module (those the build made: tools/test.sh passes its start).
 *
 * <pre>java .ci/TestSummary.java ROOT [SINCE]</pre>
 * SINCE (Maven's build timestamp: an ISO instant, or yyyyMMdd-HHmm in UTC) leaves out reports older than this
 * build. A summary that cannot be made says so in one line and never fails the build.
 */
public final class TestSummary {

    private static final int SUITES_NAMED = 3;

    public static void main(String[] args) {
        try {
            summarize(Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize(),
                    args.length > 1 ? instant(args[1]) : Instant.EPOCH, args.length > 1 ? "in this build" : "reported");
        } catch (Exception e) {
            System.out.println("Tests: no summary (" + e + ")");
        }
    }

    private static Instant instant(String timestamp) {
        if (timestamp.matches("\\d{8}-\\d{4}")) {
            return LocalDateTime.parse(timestamp, DateTimeFormatter.ofPattern("yyyyMMdd-HHmm")).toInstant(ZoneOffset.UTC);
        }
        return Instant.parse(timestamp);
    }

    private static void summarize(Path root, Instant since, String which) throws Exception {
        List<Path> reports = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path module : (Iterable<Path>) modules.sorted()::iterator) {
                Path target = module.resolve("target");
                if (!Files.isDirectory(target)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(target, 2)) {
                    files.filter(f -> f.getParent().getFileName().toString().matches("(surefire|failsafe)-reports.*"))
                            .filter(f -> f.getFileName().toString().matches("TEST-.*\\.xml"))
                            .filter(f -> modified(f).compareTo(since) >= 0)
                            .sorted(Comparator.comparing((Path f) -> f.getParent().toString())
                                    .thenComparing(Path::toString))
                            .forEach(reports::add);
                }
            }
        }
        int passed = 0;
        int failed = 0;
        int skipped = 0;
        Map<String, Integer> perRun = new LinkedHashMap<>();
        Map<String, Set<String>> skipSuites = new TreeMap<>();
        Map<String, Integer> skipCounts = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        List<String> empty = new ArrayList<>();
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        for (Path report : reports) {
            String run = run(root.relativize(report));
            Element suite = factory.newDocumentBuilder().parse(report.toFile()).getDocumentElement();
            NodeList cases = suite.getElementsByTagName("testcase");
            if (cases.getLength() == 0) {
                empty.add(run + ": " + suiteName(suite, null));
            }
            for (int i = 0; i < cases.getLength(); i++) {
                Element testCase = (Element) cases.item(i);
                perRun.merge(run, 1, Integer::sum);
                Element skip = child(testCase, "skipped");
                if (skip != null) {
                    skipped++;
                    String reason = reason(skip);
                    String key = run + ": " + (reason.isEmpty() ? "(no reason given)" : reason);
                    skipCounts.merge(key, 1, Integer::sum);
                    skipSuites.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(suiteName(suite, testCase));
                } else if (child(testCase, "failure") != null || child(testCase, "error") != null) {
                    failed++;
                    failures.add(run + ": " + suiteName(suite, testCase) + " > " + testCase.getAttribute("name"));
                } else {
                    passed++;
                }
            }
        }
        if (reports.isEmpty()) {
            System.out.println("Tests: no test reports " + (which.equals("reported") ? "" : "from this build ") + "under " + root);
            return;
        }
        StringBuilder runs = new StringBuilder();
        perRun.forEach((run, count) -> runs.append(runs.length() == 0 ? "" : ", ").append(run).append(' ').append(count));
        System.out.println("Tests: " + (passed + failed + skipped) + " " + which + " (" + runs + "): " + passed
                + " passed, " + failed + " failed, " + skipped + " skipped");
        for (Map.Entry<String, Integer> group : skipCounts.entrySet()) {
            List<String> suites = new ArrayList<>(skipSuites.get(group.getKey()));
            String where = String.join("; ", suites.subList(0, Math.min(SUITES_NAMED, suites.size())))
                    + (suites.size() > SUITES_NAMED ? "; and " + (suites.size() - SUITES_NAMED) + " more" : "");
            System.out.println("  " + group.getValue() + " skipped in " + group.getKey() + " [" + where + "]");
        }
        for (String failure : failures) {
            System.out.println("  FAILED " + failure);
        }
        for (String suite : empty) {
            System.out.println("  NO TESTS (neither run nor skipped) in " + suite);
        }
    }

    /** "agent", "agent on jdk25" (a second report directory), "agent ITs" (Failsafe). */
    private static String run(Path report) {
        String module = report.getName(0).toString();
        String directory = report.getParent().getFileName().toString();
        String kind = directory.startsWith("failsafe") ? " ITs" : "";
        String suffix = directory.replaceFirst("(surefire|failsafe)-reports-?", "");
        return module + kind + (suffix.isEmpty() ? "" : " on " + suffix);
    }

    /**
     * The reason of a skip: its message, or for a test aborted by an assumption (whose report has no message) the
     * first line of the exception it carries, without the exception's name.
     */
    private static String reason(Element skip) {
        String message = skip.getAttribute("message").strip();
        if (!message.isEmpty()) {
            return message;
        }
        String first = skip.getTextContent().strip().lines().findFirst().orElse("");
        return first.replaceFirst("^[\\w.$]+(Exception|Error): ", "").strip();
    }

    private static String suiteName(Element suite, Element testCase) {
        String name = suite.getAttribute("name");
        if (name.isEmpty() && testCase != null) {
            name = testCase.getAttribute("classname");
        }
        return name.substring(name.lastIndexOf('.') + 1);
    }

    private static Element child(Element parent, String tag) {
        NodeList children = parent.getElementsByTagName(tag);
        return children.getLength() == 0 ? null : (Element) children.item(0);
    }

    private static Instant modified(Path file) {
        try {
            FileTime time = Files.getLastModifiedTime(file);
            return time.toInstant();
        } catch (java.io.IOException e) {
            return Instant.EPOCH;
        }
    }
}
