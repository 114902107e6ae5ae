package dev.selfconnect.bench;

import dev.selfconnect.bench.jmh.ConnectBenchmark;
import dev.selfconnect.bench.jmh.NettyConnectBenchmark;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link ConnectBenchmark} (the JDK's connect paths) and {@link NettyConnectBenchmark} (path {@value #NETTY_EPOLL},
 * to a Netty server on a fixed port only) through JMH's API, with and without the agent, with JMH's gc profiler. Rather than all
 * forks of one configuration and then all of the other, it runs rounds of one fork each, the order flipping every
 * round (none, agent; agent, none; ...), so that slow drifts of the machine's load hit both alike. Each round's
 * agent/none ratio is kept, as the spread of the ratio.
 */
final class JmhBench {

    /** The path name of {@link NettyConnectBenchmark} among the JDK's {@link ConnectPath}s. */
    static final String NETTY_EPOLL = "NETTY_EPOLL";

    /** Per path and configuration: µs per connect+close and bytes allocated per connect+close, per iteration. */
    record Samples(List<Double> micros, List<Double> bytes) {
    }

    /** Per case ("SOCKET / fixed"): the samples of each configuration, and each round's agent/none ratio. */
    record Result(Map<String, Map<String, Samples>> samples, Map<String, List<Double>> roundRatios) {
    }

    private final String jdkLabel;
    private final String java;
    private final String agentJar;
    private final String agentClass;
    private final List<String> paths;
    private final List<String> servers;
    private final List<String> extraJvmArgs;
    private final PrintWriter raw;
    private final Path logs;

    JmhBench(String jdkLabel, String java, String agentJar, String agentClass, List<String> paths,
             List<String> servers,
             List<String> extraJvmArgs, PrintWriter raw, Path logs) {
        this.jdkLabel = jdkLabel;
        this.java = java;
        this.agentJar = agentJar;
        this.agentClass = agentClass;
        this.paths = paths;
        this.servers = servers;
        this.extraJvmArgs = extraJvmArgs;
        this.raw = raw;
        this.logs = logs;
    }

    static String label(String path, String server) {
        return path + " / " + server;
    }

    private List<String> jdkPaths() {
        return paths.stream().filter(p -> !p.equals(NETTY_EPOLL)).toList();
    }

    /** The cases measured: each JDK path to each server, and Netty's to its fixed-port server. */
    private List<String> labels() {
        List<String> labels = new ArrayList<>();
        for (String server : servers) {
            for (String path : jdkPaths()) {
                labels.add(label(path, server));
            }
        }
        if (paths.contains(NETTY_EPOLL)) {
            labels.add(label(NETTY_EPOLL, LoopbackServer.FIXED));
        }
        return labels;
    }

    Result run(int rounds, int warmups, int iterations, int iterationMillis) throws Exception {
        Map<String, Map<String, Samples>> samples = new LinkedHashMap<>();
        Map<String, List<Double>> ratios = new LinkedHashMap<>();
        for (String label : labels()) {
            Map<String, Samples> byConfig = new LinkedHashMap<>();
            byConfig.put("none", new Samples(new ArrayList<>(), new ArrayList<>()));
            byConfig.put("selfconnect", new Samples(new ArrayList<>(), new ArrayList<>()));
            samples.put(label, byConfig);
            ratios.put(label, new ArrayList<>());
        }
        for (int round = 0; round < rounds; round++) {
            Map<String, Map<String, Double>> roundMedians = new LinkedHashMap<>();
            List<String> order = round % 2 == 0 ? List.of("none", "selfconnect") : List.of("selfconnect", "none");
            for (String config : order) {
                Suite.progress(jdkLabel + ": JMH round " + (round + 1) + "/" + rounds + ", " + config);
                Map<String, Double> medians = new LinkedHashMap<>();
                for (RunResult run : runOnce(config, round, warmups, iterations, iterationMillis)) {
                    BenchmarkParams params = run.getParams();
                    String label = label(params.getParam("path"), params.getParam("server"));
                    Samples target = samples.get(label).get(config);
                    List<Double> thisFork = new ArrayList<>();
                    for (BenchmarkResult fork : run.getBenchmarkResults()) {
                        for (IterationResult iteration : fork.getIterationResults()) {
                            double micros = iteration.getPrimaryResult().getScore();
                            double bytes = allocatedBytesPerOp(iteration);
                            target.micros().add(micros);
                            target.bytes().add(bytes);
                            thisFork.add(micros);
                            raw.printf("%s,jmh_us_per_op %s,%s,%.4f%n", jdkLabel, label, config, micros);
                            raw.printf("%s,jmh_bytes_per_op %s,%s,%.2f%n", jdkLabel, label, config, bytes);
                        }
                    }
                    medians.put(label, new Stats(thisFork).median());
                }
                roundMedians.put(config, medians);
            }
            for (String label : samples.keySet()) {
                ratios.get(label).add(roundMedians.get("selfconnect").get(label) / roundMedians.get("none").get(label));
            }
            raw.flush();
        }
        return new Result(samples, ratios);
    }

    private List<RunResult> runOnce(String config, int round, int warmups, int iterations, int iterationMillis)
            throws Exception {
        List<RunResult> results = new ArrayList<>();
        if (!jdkPaths().isEmpty()) {
            results.addAll(runOnce(ConnectBenchmark.class, jdkPaths(), servers, "", config, round, warmups,
                    iterations, iterationMillis));
        }
        if (paths.contains(NETTY_EPOLL)) {
            results.addAll(runOnce(NettyConnectBenchmark.class, List.of(NETTY_EPOLL), List.of(LoopbackServer.FIXED),
                    "-netty", config, round, warmups, iterations, iterationMillis));
        }
        return results;
    }

    private List<RunResult> runOnce(Class<?> benchmark, List<String> benchmarkPaths, List<String> benchmarkServers,
                                    String logSuffix, String config, int round, int warmups, int iterations,
                                    int iterationMillis) throws Exception {
        boolean withAgent = config.equals("selfconnect");
        List<String> jvmArgs = new ArrayList<>(extraJvmArgs);
        jvmArgs.add("-Dbench.agentClass=" + agentClass);
        jvmArgs.add("-Dbench.agentExpected=" + withAgent);
        if (withAgent) {
            jvmArgs.add("-javaagent:" + agentJar);
        }
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(benchmark.getName() + ".connectClose")
                .jvm(java)
                .jvmArgsAppend(jvmArgs.toArray(new String[0]))
                .param("path", benchmarkPaths.toArray(new String[0]))
                .param("server", benchmarkServers.toArray(new String[0]))
                .forks(1)
                .warmupIterations(warmups)
                .warmupTime(TimeValue.milliseconds(iterationMillis))
                .measurementIterations(iterations)
                .measurementTime(TimeValue.milliseconds(iterationMillis))
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(true)
                .output(logs.resolve("jmh-" + jdkLabel.replace(' ', '-') + "-round" + (round + 1) + "-" + config
                        + logSuffix + ".log").toString());
        return new ArrayList<>(new Runner(options.build()).run());
    }

    /** JMH's gc profiler's gc.alloc.rate.norm: bytes allocated per operation by the whole JVM. */
    private static double allocatedBytesPerOp(IterationResult iteration) {
        for (Map.Entry<String, org.openjdk.jmh.results.Result> entry : iteration.getSecondaryResults().entrySet()) {
            if (entry.getKey().endsWith("gc.alloc.rate.norm")) {
                return entry.getValue().getScore();
            }
        }
        return Double.NaN;
    }
}
