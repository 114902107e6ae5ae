package dev.selfconnect.cli;

import dev.selfconnect.scan.AgentJars;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * {@code list}: the JVMs of this user, with their Java version, the agent's state and their main class or jar. A JVM
 * that never loaded the agent is answered from /proc without attaching to it; the others are attached to in
 * parallel. What the tool has after {@value #QUICK_MILLIS} ms is enough for most listings; if some JVM has not
 * answered by then, the tool says on standard error which it waits for, at most {@value #TIMEOUT_SECONDS} s. Every
 * cell a JVM supplies is printed escaped; a JVM that cannot be read says why in its row.
 */
final class ListCommand {

    private static final long QUICK_MILLIS = 1000;
    private static final long TIMEOUT_SECONDS = 5;
    private static final int POOL_SIZE = 8;
    /** The attach API's own wait for a JVM to answer; the listing gives up on it before, see the timeout above. */
    private static final String ATTACH_TIMEOUT_MILLIS = "4000";

    private ListCommand() {
    }

    static int run(List<String> arguments, PrintStream out, PrintStream err) throws CliException {
        Arguments.require("list", arguments, 0, 0, "list");
        Invocation invocation = new Invocation("list", arguments, out, err);
        final AttachApi api = AttachApi.require(null, invocation);
        if (System.getProperty("sun.tools.attach.attachTimeout") == null) {
            System.setProperty("sun.tools.attach.attachTimeout", ATTACH_TIMEOUT_MILLIS);
        }
        List<String[]> jvms;
        try {
            jvms = api.list();
        } catch (Exception e) {
            throw new CliException("cannot list the JVMs: " + Failures.shortReason(e), e);
        }
        String own = TargetProcess.ownPid();
        int ownUid = TargetProcess.ownUid();
        final int ownJava = JvmFacts.javaFeature(System.getProperty("java.specification.version"));
        final AgentJars jars = new AgentJars();
        List<String> pids = new ArrayList<String>();
        List<Future<String[]>> answers = new ArrayList<Future<String[]>>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(POOL_SIZE, jvms.size())), daemons());
        try {
            for (final String[] jvm : jvms) {
                final TargetProcess process;
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
                } else {
                    process = null;
                }
                pids.add(jvm[0]);
                answers.add(pool.submit(() -> describe(api, jvm, process, ownJava, ownUid, jars)));
            }
            if (pids.isEmpty()) {
                out.println("no JVM of this user to attach to (the attach API lists none besides this tool)");
                return Main.EXIT_OK;
            }
            List<String[]> table = new ArrayList<String[]>();
            table.add(new String[] {"PID", "JAVA", "SELFCONNECT", "MAIN CLASS OR JAR"});
            long start = System.nanoTime();
            waitUntil(answers, start + TimeUnit.MILLISECONDS.toNanos(QUICK_MILLIS));
            List<String> waiting = new ArrayList<String>();
            for (int i = 0; i < answers.size(); i++) {
                if (!answers.get(i).isDone()) {
                    waiting.add(pids.get(i));
                }
            }
            if (!waiting.isEmpty()) {
                err.println("list: waiting for JVM " + String.join(", ", waiting) + " to answer (at most "
                        + TIMEOUT_SECONDS + " s)...");
                waitUntil(answers, start + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS));
            }
            for (int i = 0; i < answers.size(); i++) {
                String[] row;
                try {
                    row = answers.get(i).isDone() ? answers.get(i).get() : null;
                } catch (Exception e) {
                    row = null;
                }
                if (row == null) {
                    row = new String[] {pids.get(i), "?", "? (no answer within " + TIMEOUT_SECONDS + " s: busy, "
                            + "starting or ending)", mainOf(jvms, pids.get(i))};
                }
                table.add(row);
            }
            Collections.sort(table.subList(1, table.size()), (a, b) -> Long.compare(pidOrder(a[0]), pidOrder(b[0])));
            print(table, out);
            return Main.EXIT_OK;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void waitUntil(List<Future<String[]>> answers, long deadline) {
        for (Future<String[]> answer : answers) {
            try {
                answer.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception notYet) {
                // shown as unanswered if it is still not done at the end
            }
        }
    }

    private static String mainOf(List<String[]> jvms, String pid) {
        for (String[] jvm : jvms) {
            if (jvm[0].equals(pid)) {
                return JvmFacts.mainClass(jvm[1], null);
            }
        }
        return "(unknown)";
    }

    /** One row: from /proc for a JVM that never had the agent, else from its system properties. */
    private static String[] describe(AttachApi api, String[] jvm, TargetProcess process, int ownJava, int ownUid,
                                     AgentJars jars) {
        String main = JvmFacts.mainClass(jvm[1], process);
        if (process != null) {
            String version = Untrusted.line(process.javaVersion(), Untrusted.CELL);
            if (Boolean.FALSE.equals(process.hasAgentJarOpen(jars))) {
                String agent = Boolean.TRUE.equals(process.commandLineHas("-XX:-EnableDynamicAgentLoading"))
                        ? "- (dynamic agents disabled)" : "-";
                return new String[] {jvm[0], version, agent, main};
            }
            if (process.hasOwnTmpButSharesPids() && ownJava < 25) {
                // Such a Java would only make that JVM print thread dumps (see Target.connect).
                return new String[] {jvm[0], version, "? (in another mount namespace: list with Java 25 or later)",
                        main};
            }
            if (ownUid == 0 && process.uid() != 0 && version.startsWith("1.8")) {
                return new String[] {jvm[0], version, "? (Java 8 answers only its own user: run list as uid "
                        + process.uid() + ")", main};
            }
        }
        try (AttachApi.Session session = api.attach(jvm[0])) {
            Properties properties = session.systemProperties();
            AgentState state = AgentState.of(properties);
            String agent = state == null ? "-" : state.summary();
            if (state == null && JvmFacts.dynamicLoadingDisabled(session.agentProperties())) {
                agent = "- (dynamic agents disabled)";
            }
            return new String[] {jvm[0], Untrusted.line(properties.getProperty("java.version", "?"), Untrusted.CELL),
                    agent, main};
        } catch (Exception e) {
            return new String[] {jvm[0], process == null ? "?" : Untrusted.line(process.javaVersion(),
                    Untrusted.CELL), "? (" + whyNot(e) + ")", main};
        }
    }

    /** Why an attach failed, in the listing's words. */
    private static String whyNot(Exception e) {
        switch (Failures.AttachCause.of(e, TargetProcess.procAvailable())) {
            case NO_SUCH_PROCESS:
                return "ended";
            case NOT_PERMITTED:
                return "refuses this user's attach";
            case NOT_SUPPORTED:
                return "accepts no attach: -XX:+DisableAttachMechanism, starting or ending";
            default:
                String message = String.valueOf(e.getMessage());
                if (message.contains("Premature EOF") || message.contains("Connection reset")) {
                    return "closed the attach connection: another user's older JVM, or ending";
                }
                return "cannot attach: " + Untrusted.line(Failures.shortReason(e), Untrusted.CELL);
        }
    }

    private static long pidOrder(String pid) {
        try {
            return Long.parseLong(pid);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
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
