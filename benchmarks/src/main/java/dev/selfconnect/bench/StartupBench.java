package dev.selfconnect.bench;

import dev.selfconnect.bench.startup.TrivialMain;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Measurements that need a fresh JVM each: wall time of a trivial main, first connect, classes loaded, footprint.
 * Every measurement runs its configurations in turn (none, empty, agent, none, ...) with the first one shifted each
 * round, so that a burst of load on the machine hits all of them alike.
 */
final class StartupBench {

    /**
     * A way to start the JVM: no agent, the empty agent, a baseline build of the agent, or selfconnect.jar.
     *
     * @param timesConnects whether the first-connect measurement runs it too (not the empty agent)
     */
    record Config(String name, List<String> jvmArgs, boolean timesConnects) {
    }

    /** Classes one JVM loaded, by where they came from, and when (JVM uptime, ms) main's class was loaded. */
    record ClassCounts(int total, int agentShaded, int agentOwn, int jdkFromCds, int notFromCds,
                       double mainLoadedAtMs, double firstAgentClassAtMs, Map<String, Integer> byPackage) {
    }

    /** One first-connect measurement: a path, a server ("fixed" or "ephemeral" port), a sleep before it. */
    record ConnectCase(ConnectPath path, String server, int delayMs) {
        /** The cases that the target is about: every path, to a server on a fixed port, right at the start of main. */
        boolean isTarget() {
            return server.equals(LoopbackServer.FIXED) && delayMs == 0;
        }

        @Override
        public String toString() {
            return path + " / " + server + (delayMs == 0 ? "" : ", after " + delayMs + " ms");
        }
    }

    /** How many java.desktop classes the class-loading measurement loads. */
    static final int CLASSES_TO_LOAD = 2000;

    /**
     * @param wallRounds         per configuration, each round's sample in round order (the configurations of one
     *                           round ran one after the other: the difference of two in the same round is a paired
     *                           sample)
     * @param mainThreadCpuRounds per configuration, the main thread's CPU time before main (ms), in round order;
     *                            null where the kernel keeps no scheduler statistics
     * @param firstConnectRounds per case and configuration, in round order likewise
     */
    record Result(Map<String, List<Double>> wallRounds,
                  Map<String, List<Double>> mainThreadCpuRounds,
                  Map<String, ClassCounts> classes,
                  Map<Integer, Map<String, Stats>> loadClassesMsByDelay,
                  Map<ConnectCase, Map<String, List<Double>>> firstConnectRounds,
                  Map<String, Map<String, Stats>> footprintBytes,
                  String agentStderr) {

        Map<String, Stats> wallMs() {
            return stats(wallRounds);
        }

        Map<String, Stats> mainThreadCpuMs() {
            return mainThreadCpuRounds == null ? null : stats(mainThreadCpuRounds);
        }

        Map<ConnectCase, Map<String, Stats>> firstConnectMs() {
            Map<ConnectCase, Map<String, Stats>> byCase = new LinkedHashMap<>();
            firstConnectRounds.forEach((c, samples) -> byCase.put(c, stats(samples)));
            return byCase;
        }
    }

    private static final Pattern CLASS_LOAD =
            Pattern.compile("^\\[(\\d+)[.,](\\d+)s\\]\\[info\\s*\\]\\[class,load\\s*\\] (\\S+) source: (.*)$");

    private final String java;
    private final String probeJar;
    private final List<Config> configs;
    private final Config agent;
    private final PrintWriter raw;
    private final String jdkLabel;
    private final Path scratch;

    StartupBench(String jdkLabel, String java, String probeJar, List<Config> configs, PrintWriter raw, Path scratch) {
        this.jdkLabel = jdkLabel;
        this.java = java;
        this.probeJar = probeJar;
        this.configs = configs;
        this.agent = configs.get(configs.size() - 1);
        this.raw = raw;
        this.scratch = scratch;
    }

    Result run(int wallRuns, int connectRuns, int footprintRuns) throws Exception {
        Suite.progress(jdkLabel + ": JVM start of a trivial main, " + wallRuns + " runs per configuration");
        Map<String, List<Double>> wall = wallTime(wallRuns);

        Suite.progress(jdkLabel + ": the main thread's CPU time before main, " + wallRuns + " runs per configuration");
        Map<String, List<Double>> mainThreadCpu = mainThreadCpu(wallRuns);

        Suite.progress(jdkLabel + ": classes loaded by a trivial main");
        Map<String, ClassCounts> classes = new LinkedHashMap<>();
        for (Config config : configs) {
            classes.put(config.name(), classLoads(config));
        }

        Map<Integer, Map<String, Stats>> loadClasses = new LinkedHashMap<>();
        for (int delayMs : new int[] {0, 1000}) {
            Suite.progress(jdkLabel + ": loading " + CLASSES_TO_LOAD + " classes " + (delayMs == 0 ? "at the start"
                    : delayMs + " ms after the start") + " of main, " + connectRuns + " runs per configuration");
            loadClasses.put(delayMs, loadClasses(delayMs, connectRuns));
        }

        Map<ConnectCase, Map<String, List<Double>>> firstConnect = new LinkedHashMap<>();
        Map<String, Map<String, Stats>> footprint;
        try (LoopbackServer fixed = new LoopbackServer(LoopbackServer.FIXED);
             LoopbackServer ephemeral = new LoopbackServer(LoopbackServer.EPHEMERAL)) {
            List<ConnectCase> cases = new ArrayList<>();
            for (ConnectPath path : ConnectPath.values()) {
                cases.add(new ConnectCase(path, LoopbackServer.FIXED, 0));
            }
            cases.add(new ConnectCase(ConnectPath.SOCKET, LoopbackServer.EPHEMERAL, 0));
            cases.add(new ConnectCase(ConnectPath.SOCKET, LoopbackServer.FIXED, 1000));
            for (ConnectCase c : cases) {
                Suite.progress(jdkLabel + ": first connect+close, " + c + ", " + connectRuns + " runs per configuration");
                LoopbackServer server = c.server().equals(LoopbackServer.FIXED) ? fixed : ephemeral;
                firstConnect.put(c, firstConnect(c, server.address().getPort(), connectRuns));
            }
            Suite.progress(jdkLabel + ": heap and metaspace, " + footprintRuns + " runs per configuration");
            footprint = footprint(footprintRuns, fixed.address().getPort(), ephemeral.address().getPort());
        }
        String stderr = runProbe(agent, List.of("-cp", probeJar, "dev.selfconnect.bench.startup.TrivialMain"))[1];
        return new Result(wall, mainThreadCpu, classes, loadClasses, firstConnect, footprint, stderr.strip());
    }

    private Map<String, List<Double>> wallTime(int runs) throws Exception {
        Map<String, List<Double>> samples = samples(configs);
        List<String> trivial = List.of("-cp", probeJar, "dev.selfconnect.bench.startup.TrivialMain");
        for (int round = -2; round < runs; round++) { // two rounds of warm-up fill the file cache
            for (Config config : rotated(configs, round)) {
                long start = System.nanoTime();
                Process process = new ProcessBuilder(command(config, trivial))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
                int exit = process.waitFor();
                double ms = (System.nanoTime() - start) / 1e6;
                if (exit != 0) {
                    throw new IllegalStateException(config.name() + ": trivial main exited with " + exit);
                }
                if (round >= 0) {
                    samples.get(config.name()).add(ms);
                    raw.printf("%s,wall_ms,%s,%.3f%n", jdkLabel, config.name(), ms);
                }
            }
        }
        return samples;
    }

    /**
     * The CPU time the main thread has used when main starts ({@link TrivialMain#MAIN_THREAD_CPU}): unlike the wall
     * time, it does not move with what the other threads and processes get of the processors. Null where the kernel
     * keeps no scheduler statistics.
     */
    private Map<String, List<Double>> mainThreadCpu(int runs) throws Exception {
        Map<String, List<Double>> samples = samples(configs);
        List<String> args = List.of("-cp", probeJar, "dev.selfconnect.bench.startup.TrivialMain",
                TrivialMain.MAIN_THREAD_CPU);
        for (int round = 0; round < runs; round++) {
            for (Config config : rotated(configs, round)) {
                String out = runProbe(config, args)[0].strip();
                if (out.endsWith(TrivialMain.UNAVAILABLE)) {
                    return null;
                }
                double ms = Long.parseLong(out.substring(out.lastIndexOf('\n') + 1)) / 1e6;
                samples.get(config.name()).add(ms);
                raw.printf("%s,main_thread_cpu_ms,%s,%.3f%n", jdkLabel, config.name(), ms);
            }
        }
        return samples;
    }

    /** Three runs with -Xlog:class+load; the counts are the same every run, the times are medians. */
    private ClassCounts classLoads(Config config) throws Exception {
        List<ClassCounts> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path log = scratch.resolve("class-load.log");
            Files.deleteIfExists(log);
            List<String> args = new ArrayList<>();
            args.add("-Xlog:class+load=info:file=" + log);
            args.addAll(List.of("-cp", probeJar, "dev.selfconnect.bench.startup.TrivialMain"));
            runProbe(config, args);
            runs.add(parseClassLoads(Files.readAllLines(log, StandardCharsets.UTF_8)));
        }
        ClassCounts first = runs.get(0);
        double mainAt = new Stats(runs.stream().map(ClassCounts::mainLoadedAtMs).toList()).median();
        double agentAt = new Stats(runs.stream().map(ClassCounts::firstAgentClassAtMs).toList()).median();
        raw.printf("%s,classes_loaded,%s,%d%n", jdkLabel, config.name(), first.total());
        raw.printf("%s,main_class_loaded_at_ms,%s,%.1f%n", jdkLabel, config.name(), mainAt);
        return new ClassCounts(first.total(), first.agentShaded(), first.agentOwn(), first.jdkFromCds(),
                first.notFromCds(), mainAt, agentAt, first.byPackage());
    }

    static ClassCounts parseClassLoads(List<String> lines) {
        int total = 0;
        int shaded = 0;
        int own = 0;
        int cds = 0;
        int notCds = 0;
        double mainAt = Double.NaN;
        double firstAgentAt = Double.NaN;
        Map<String, Integer> byPackage = new TreeMap<>();
        for (String line : lines) {
            Matcher m = CLASS_LOAD.matcher(line);
            if (!m.matches()) {
                continue;
            }
            double atMs = Double.parseDouble(m.group(1) + "." + m.group(2)) * 1000;
            String name = m.group(3);
            String source = m.group(4);
            total++;
            byPackage.merge(packagePrefix(name), 1, Integer::sum);
            boolean harness = name.startsWith("dev.selfconnect.bench.");
            boolean agentClass = !harness && (name.startsWith("dev.selfconnect.") || source.contains("selfconnect.jar")
                    || name.contains("SelfConnect"));
            if (agentClass && name.startsWith("dev.selfconnect.shaded.")) {
                shaded++;
            } else if (agentClass) {
                own++;
            } else if (source.startsWith("shared objects file")) {
                cds++;
            } else if (!harness) {
                notCds++;
            }
            if (agentClass && Double.isNaN(firstAgentAt)) {
                firstAgentAt = atMs;
            }
            if (name.equals("dev.selfconnect.bench.startup.TrivialMain")) {
                mainAt = atMs;
            }
        }
        return new ClassCounts(total, shaded, own, cds, notCds, mainAt, firstAgentAt, byPackage);
    }

    /** dev.selfconnect.shaded.bytebuddy.jar.asm for the shaded classes, java.lang.invoke for the others. */
    private static String packagePrefix(String className) {
        String[] parts = className.split("\\.");
        int depth = className.startsWith("dev.selfconnect.shaded.") ? 6 : 3;
        return String.join(".", Arrays.copyOf(parts, Math.max(1, Math.min(depth, parts.length - 1))));
    }

    /** How many more classes the agent's JVM loaded than the plain one, by package prefix, most first. */
    static Map<String, Integer> extraClassesByPackage(ClassCounts plain, ClassCounts withAgent) {
        Map<String, Integer> extra = new HashMap<>();
        withAgent.byPackage().forEach((prefix, n) -> {
            int more = n - plain.byPackage().getOrDefault(prefix, 0);
            if (more != 0) {
                extra.put(prefix, more);
            }
        });
        return extra.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    }

    private Map<String, List<Double>> firstConnect(ConnectCase c, int port, int runs) throws Exception {
        List<Config> timed = configs.stream().filter(Config::timesConnects).toList();
        Map<String, List<Double>> samples = samples(timed);
        for (int round = 0; round < runs; round++) {
            for (Config config : rotated(timed, round)) {
                String out = runProbe(config, List.of("-cp", probeJar, "dev.selfconnect.bench.startup.Probe",
                        "connect", c.path().name(), Integer.toString(port), Integer.toString(c.delayMs())))[0];
                double ms = Long.parseLong(values(out).get("firstConnectNanos")) / 1e6;
                samples.get(config.name()).add(ms);
                raw.printf("%s,first_connect_ms %s,%s,%.4f%n", jdkLabel, c, config.name(), ms);
            }
        }
        return samples;
    }

    private Map<String, Stats> loadClasses(int delayMs, int runs) throws Exception {
        Map<String, List<Double>> samples = samples(configs);
        for (int round = 0; round < runs; round++) {
            for (Config config : rotated(configs, round)) {
                String out = runProbe(config, List.of("-cp", probeJar, "dev.selfconnect.bench.startup.Probe",
                        "load-classes", Integer.toString(CLASSES_TO_LOAD), Integer.toString(delayMs)))[0];
                double ms = Long.parseLong(values(out).get("loadClassesNanos")) / 1e6;
                samples.get(config.name()).add(ms);
                raw.printf("%s,load_%d_classes_ms after %d ms,%s,%.3f%n", jdkLabel, CLASSES_TO_LOAD, delayMs,
                        config.name(), ms);
            }
        }
        return stats(samples);
    }

    private Map<String, Map<String, Stats>> footprint(int runs, int fixedPort, int ephemeralPort) throws Exception {
        Map<String, Map<String, List<Double>>> samples = new LinkedHashMap<>();
        for (int round = 0; round < runs; round++) {
            for (Config config : rotated(configs, round)) {
                String out = runProbe(config, List.of("-cp", probeJar, "dev.selfconnect.bench.startup.Probe",
                        "footprint", Integer.toString(fixedPort), Integer.toString(ephemeralPort)))[0];
                values(out).forEach((key, value) -> {
                    samples.computeIfAbsent(config.name(), k -> new LinkedHashMap<>())
                            .computeIfAbsent(key, k -> new ArrayList<>()).add(Double.parseDouble(value));
                    raw.printf("%s,%s,%s,%s%n", jdkLabel, key, config.name(), value);
                });
            }
        }
        Map<String, Map<String, Stats>> result = new LinkedHashMap<>();
        samples.forEach((config, byKey) -> result.put(config, stats(byKey)));
        return result;
    }

    /** Runs one JVM to its end; returns its stdout and stderr, and fails on a non-zero exit. */
    private String[] runProbe(Config config, List<String> args) throws Exception {
        Path out = scratch.resolve("probe.out");
        Path err = scratch.resolve("probe.err");
        Process process = new ProcessBuilder(command(config, args))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(config.name() + ": " + args + " did not end in 120 s");
        }
        String stdout = Files.readString(out);
        String stderr = Files.readString(err);
        if (process.exitValue() != 0) {
            throw new IllegalStateException(config.name() + ": " + args + " exited with " + process.exitValue()
                    + "\n" + stdout + stderr);
        }
        return new String[] {stdout, stderr};
    }

    private List<String> command(Config config, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(config.jvmArgs());
        command.addAll(args);
        return command;
    }

    private static Map<String, String> values(String output) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : output.split("\\R")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1).trim());
            }
        }
        return values;
    }

    /** The configurations in turn, starting at a different one each round. */
    static <T> List<T> rotated(List<T> items, int round) {
        int shift = Math.floorMod(round, items.size());
        List<T> result = new ArrayList<>(items.subList(shift, items.size()));
        result.addAll(items.subList(0, shift));
        return result;
    }

    private static Map<String, List<Double>> samples(List<Config> configs) {
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        configs.forEach(c -> samples.put(c.name(), new ArrayList<>()));
        return samples;
    }

    private static Map<String, Stats> stats(Map<String, List<Double>> samples) {
        Map<String, Stats> stats = new LinkedHashMap<>();
        samples.forEach((key, values) -> stats.put(key, new Stats(values)));
        return stats;
    }
}
