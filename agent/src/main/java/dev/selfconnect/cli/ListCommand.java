package dev.selfconnect.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * {@code list}: the JVMs of this user, with their Java version, the agent's state and their main class or jar. A JVM
 * that never loaded the agent is answered from /proc without attaching to it.
 */
final class ListCommand {

    private static final long TIMEOUT_SECONDS = 10;

    private ListCommand() {
    }

    static int run(List<String> arguments, PrintStream out, PrintStream err) throws CliException {
        Arguments.require("list", arguments, 0, 0, "list");
        Invocation invocation = new Invocation("list", arguments, out, err);
        AttachApi api = AttachApi.require(null, invocation);
        // A JVM that does not answer must not hold up the listing for the attach API's default 10 s.
        if (System.getProperty("sun.tools.attach.attachTimeout") == null) {
            System.setProperty("sun.tools.attach.attachTimeout", "5000");
        }
        List<String[]> jvms;
        try {
            jvms = api.list();
        } catch (Exception e) {
            throw new CliException("cannot list the JVMs: " + e, e);
        }
        String own = TargetProcess.ownPid();
        int ownUid = TargetProcess.ownUid();
        List<String[]> rows = new ArrayList<String[]>();
        List<Future<String[]>> answers = new ArrayList<Future<String[]>>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(8, jvms.size())), daemons());
        try {
            for (final String[] jvm : jvms) {
                TargetProcess process = null;
                if (TargetProcess.procAvailable()) {
                    try {
                        process = TargetProcess.of(jvm[0]);
                    } catch (CliException endedOrThisTool) {
                        continue;
                    }
                    if (ownUid != 0 && ownUid != TargetProcess.UNKNOWN_UID && process.uid() != ownUid) {
                        continue; // another user's JVM: it would not accept an attach
                    }
                } else if (jvm[0].equals(own)) {
                    continue;
                }
                rows.add(jvm);
                if (process != null && Boolean.FALSE.equals(process.hasAgentJarOpen())) {
                    String agent = Boolean.TRUE.equals(process.commandLineHas("-XX:-EnableDynamicAgentLoading"))
                            ? "- (dynamic agents disabled)" : "-";
                    answers.add(done(new String[] {jvm[0], process.javaVersion(), agent,
                            JvmFacts.mainClass(jvm[1])}));
                } else {
                    answers.add(pool.submit(() -> describe(api, jvm)));
                }
            }
            List<String[]> table = new ArrayList<String[]>();
            table.add(new String[] {"PID", "JAVA", "SELFCONNECT", "MAIN CLASS OR JAR"});
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            for (int i = 0; i < rows.size(); i++) {
                String[] row;
                try {
                    row = answers.get(i).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (Exception e) {
                    row = new String[] {rows.get(i)[0], "?", "(no answer)", JvmFacts.mainClass(rows.get(i)[1])};
                }
                table.add(row);
            }
            Collections.sort(table.subList(1, table.size()), (a, b) -> Long.compare(pidOrder(a[0]), pidOrder(b[0])));
            if (table.size() == 1) {
                out.println("no JVM of this user to attach to (the attach API lists none besides this tool)");
                return Main.EXIT_OK;
            }
            print(table, out);
            return Main.EXIT_OK;
        } finally {
            pool.shutdownNow();
        }
    }

    private static String[] describe(AttachApi api, String[] jvm) {
        String main = JvmFacts.mainClass(jvm[1]);
        try (AttachApi.Session session = api.attach(jvm[0])) {
            Properties properties = session.systemProperties();
            AgentState state = AgentState.of(properties);
            String agent = state == null ? "-" : state.summary();
            if (state == null && JvmFacts.dynamicLoadingDisabled(session.agentProperties())) {
                agent = "- (dynamic agents disabled)";
            }
            return new String[] {jvm[0], properties.getProperty("java.version", "?"), agent, main};
        } catch (Exception e) {
            return new String[] {jvm[0], "?", "(cannot attach: " + Failures.shortReason(e) + ")", main};
        }
    }

    private static long pidOrder(String pid) {
        try {
            return Long.parseLong(pid);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static Future<String[]> done(String[] row) {
        CompletableFuture<String[]> future = new CompletableFuture<String[]>();
        future.complete(row);
        return future;
    }

    /** Columns padded to their widest cell plus two spaces; the last one is not padded. */
    static void print(List<String[]> table, PrintStream out) {
        int[] widths = new int[table.get(0).length];
        for (String[] row : table) {
            for (int i = 0; i < row.length - 1; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : table) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]);
                for (int pad = row[i].length(); i < row.length - 1 && pad < widths[i] + 2; pad++) {
                    line.append(' ');
                }
            }
            out.println(line);
        }
    }

    private static ThreadFactory daemons() {
        return runnable -> {
            Thread thread = new Thread(runnable, "selfconnect-list");
            thread.setDaemon(true);
            return thread;
        };
    }
}
