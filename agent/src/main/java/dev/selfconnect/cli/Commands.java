package dev.selfconnect.cli;

import dev.selfconnect.agent.AttachReply;
import dev.selfconnect.config.InvalidSettingException;
import dev.selfconnect.config.SettingsLoader;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/** The four commands; what goes wrong becomes a {@link CliException} with a message the user can act on. */
final class Commands {

    /** Settings the target JVM checks, not this tool: they name files on the target's side. */
    private static final List<String> CHECKED_BY_THE_TARGET = Collections.singletonList("audit.file");
    private static final long LIST_TIMEOUT_SECONDS = 10;

    private final PrintStream out;
    private final PrintStream err;
    private final Path agentJar;
    /** The command and its arguments as given, to show how to run it another way. */
    private final String invocation;

    Commands(PrintStream out, PrintStream err, Path agentJar, String invocation) {
        this.out = out;
        this.err = err;
        this.agentJar = agentJar;
        this.invocation = invocation;
    }

    // ------------------------------------------------------------------------------------------------------ list

    void list() throws CliException {
        AttachApi api = attachApi(null);
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
                    // It never loaded the agent: answered from /proc, without attaching to it.
                    String agent = Boolean.TRUE.equals(process.commandLineHas("-XX:-EnableDynamicAgentLoading"))
                            ? "- (dynamic agents disabled)" : "-";
                    answers.add(done(new String[] {jvm[0], process.javaVersion(), agent, mainClass(jvm[1])}));
                } else {
                    answers.add(pool.submit(() -> describe(api, jvm)));
                }
            }
            List<String[]> table = new ArrayList<String[]>();
            table.add(new String[] {"PID", "JAVA", "SELFCONNECT", "MAIN CLASS OR JAR"});
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIST_TIMEOUT_SECONDS);
            for (int i = 0; i < rows.size(); i++) {
                String[] row;
                try {
                    row = answers.get(i).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (Exception e) {
                    row = new String[] {rows.get(i)[0], "?", "(no answer)", mainClass(rows.get(i)[1])};
                }
                table.add(row);
            }
            Collections.sort(table.subList(1, table.size()), (a, b) -> Long.compare(pidOrder(a[0]), pidOrder(b[0])));
            if (table.size() == 1) {
                out.println("no JVM of this user to attach to (the attach API lists none besides this tool)");
                return;
            }
            printTable(table);
        } finally {
            pool.shutdownNow();
        }
    }

    private static String[] describe(AttachApi api, String[] jvm) {
        String main = mainClass(jvm[1]);
        try (AttachApi.Session session = api.attach(jvm[0])) {
            Properties properties = session.systemProperties();
            AgentState state = AgentState.of(properties);
            String agent = state == null ? "-" : state.summary();
            if (state == null && dynamicLoadingDisabled(session.agentProperties())) {
                agent = "- (dynamic agents disabled)";
            }
            return new String[] {jvm[0], properties.getProperty("java.version", "?"), agent, main};
        } catch (Exception e) {
            return new String[] {jvm[0], "?", "(cannot attach: " + shortReason(e) + ")", main};
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

    /** The main class or jar of a display name such as "app.jar --port 8080": arguments may hold secrets. */
    static String mainClass(String displayName) {
        String trimmed = displayName == null ? "" : displayName.trim();
        int space = trimmed.indexOf(' ');
        String main = space < 0 ? trimmed : trimmed.substring(0, space);
        return main.isEmpty() ? "(unknown)" : main;
    }

    private void printTable(List<String[]> table) {
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

    // ---------------------------------------------------------------------------------- attach, status, detach

    void attach(String pid, List<String> settings) throws CliException {
        String arguments = validated(settings);
        Target target = connect(pid);
        try {
            AgentState before = AgentState.of(target.properties);
            if (before != null && !before.version.equals(Main.version())) {
                err.println("note: JVM " + pid + " already runs selfconnect " + before.version + " (this tool is "
                        + Main.version() + "); the copy loaded there does the work");
            }
            AttachReply reply = target.load("attach", arguments);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - target.started);
            out.println("JVM " + pid + " (" + target.main + "): " + reply.text());
            out.println("done in " + millis + " ms" + (before != null && before.active()
                    ? "; it already had the agent, which now runs with these settings (nothing is instrumented twice)"
                    : ""));
            target.warnAboutDynamicLoading();
        } finally {
            target.close();
        }
    }

    void status(String pid) throws CliException {
        Target target = connect(pid);
        try {
            if (AgentState.of(target.properties) == null) {
                out.println("selfconnect is not loaded in JVM " + pid + " (" + target.main + ")");
                return;
            }
            if (dynamicLoadingDisabled(target.agentProperties)) {
                // The agent came with -javaagent; without loading it again only its marker can be read.
                AgentState state = AgentState.of(target.properties);
                out.println("JVM " + pid + " (" + target.main + "):");
                out.println("selfconnect " + state.version + " " + state.state + " on Java "
                        + target.properties.getProperty("java.version"));
                out.println("settings: " + state.settings);
                out.println("counters: unavailable (the JVM runs with -XX:-EnableDynamicAgentLoading, so the agent "
                        + "cannot be asked for them)");
                return;
            }
            out.println("JVM " + pid + " (" + target.main + "):");
            out.println(target.load("status", "").text());
            target.warnAboutDynamicLoading();
        } finally {
            target.close();
        }
    }

    void detach(String pid) throws CliException {
        Target target = connect(pid);
        try {
            if (AgentState.of(target.properties) == null) {
                out.println("selfconnect is not loaded in JVM " + pid + " (" + target.main + "): nothing to detach");
                return;
            }
            AttachReply reply = target.load("detach", "");
            out.println("JVM " + pid + " (" + target.main + "): " + reply.text());
            target.warnAboutDynamicLoading();
        } finally {
            target.close();
        }
    }

    /** The settings as agent arguments, checked as the agent checks them: a bad one never reaches the JVM. */
    static String validated(List<String> settings) throws CliException {
        StringBuilder all = new StringBuilder();
        StringBuilder checkedHere = new StringBuilder();
        for (String setting : settings) {
            all.append(all.length() == 0 ? "" : ",").append(setting);
            int equals = setting.indexOf('=');
            String key = equals < 0 ? "" : setting.substring(0, equals).trim();
            if (!CHECKED_BY_THE_TARGET.contains(key)) {
                checkedHere.append(checkedHere.length() == 0 ? "" : ",").append(setting);
            }
        }
        try {
            SettingsLoader.load(checkedHere.toString(), new Properties(), Collections.<String, String>emptyMap());
        } catch (InvalidSettingException e) {
            throw new CliException("bad setting: " + e.getMessage().replace("agent argument", "argument"));
        }
        return all.toString();
    }

    /** Checks the process, attaches to it and reads its system properties; the caller closes it. */
    private Target connect(String pid) throws CliException {
        TargetProcess process = TargetProcess.of(pid);
        int ownUid = TargetProcess.ownUid();
        int uid = process.uid();
        if (ownUid != TargetProcess.UNKNOWN_UID && uid != TargetProcess.UNKNOWN_UID && ownUid != 0 && uid != ownUid) {
            String user = TargetProcess.userName(uid);
            throw new CliException("process " + pid + " (" + process.commandName() + ") belongs to "
                    + (user == null ? "uid " + uid : user + " (uid " + uid + ")") + ", not to you (uid " + ownUid
                    + "): a JVM accepts attach requests from its own user and root only; run this tool as that "
                    + "user: sudo " + (uid == 0 ? "" : "-u " + (user == null ? "'#" + uid + "'" : user) + " ")
                    + "java -jar " + agentJar + " " + invocation);
        }
        Boolean jvm = process.runsJvm();
        AttachApi api = attachApi(process);
        // The attach handshake signals the process (SIGQUIT), which ends one that is not a JVM: go on only for a JVM.
        if (Boolean.FALSE.equals(jvm) || jvm == null && TargetProcess.procAvailable() && !listed(api, pid)) {
            throw new CliException("process " + pid + " (" + process.commandName() + ") is not a Java virtual "
                    + "machine " + (jvm == null ? "this tool can see " : "") + "(list the JVMs you can attach to "
                    + "with: java -jar selfconnect.jar list)");
        }
        if (process.hasOwnTmpButSharesPids() && javaFeature(System.getProperty("java.specification.version")) < 25) {
            // Such a Java looks for the JVM's attach socket in this tool's /tmp, never finds it, and signals the JVM
            // again and again: each signal makes it print a thread dump.
            throw new CliException("JVM " + pid + " runs in another mount namespace (a container, or a service with "
                    + "a private /tmp) but among this tool's pids; the attach API of Java " + System.getProperty(
                    "java.specification.version") + " cannot reach it there: run this tool with Java 25 or later, or "
                    + "inside that namespace (nsenter --target " + pid + " --mount java -jar selfconnect.jar ...)");
        }
        long started = System.nanoTime();
        AttachApi.Session session;
        try {
            session = api.attach(process.pid);
        } catch (Exception e) {
            throw attachFailure(process, e);
        }
        try {
            Properties properties = session.systemProperties();
            Properties agentProperties = session.agentProperties();
            return new Target(process, session, properties, agentProperties, started);
        } catch (Exception e) {
            session.close();
            throw new CliException("JVM " + pid + " did not tell its system properties: " + shortReason(e), e);
        }
    }

    private static boolean listed(AttachApi api, String pid) {
        try {
            for (String[] jvm : api.list()) {
                if (jvm[0].equals(pid)) {
                    return true;
                }
            }
        } catch (Exception e) {
            // not listed
        }
        return false;
    }

    private AttachApi attachApi(TargetProcess process) throws CliException {
        AttachApi api = AttachApi.find();
        if (api != null) {
            return api;
        }
        String home = System.getProperty("java.home");
        String suggestion = "run this tool with the java of a full JDK (9 or later; or 8 with lib/tools.jar)";
        String targetHome = process == null ? null : process.javaHome();
        if (targetHome != null && hasAttachModule(Paths.get(targetHome))) {
            suggestion = "run this tool with the target's own JDK: " + targetHome + "/bin/java -jar " + agentJar
                    + " " + invocation;
        } else if (targetHome != null) {
            suggestion += ", e.g. the JDK the target JVM's runtime (" + targetHome + ") was made from";
        }
        throw new CliException("this Java runtime (" + home + ", Java " + System.getProperty("java.version")
                + ") has no attach API: it lacks the jdk.attach module, as a JRE or a jlinked runtime does; "
                + suggestion);
    }

    /** Whether a Java home has the attach API: its release file lists jdk.attach, or it has lib/tools.jar. */
    static boolean hasAttachModule(Path javaHome) {
        try {
            for (String line : Files.readAllLines(javaHome.resolve("release"), StandardCharsets.UTF_8)) {
                if (line.startsWith("MODULES=")) {
                    return (" " + line.substring("MODULES=".length()).replace("\"", "") + " ").contains(" jdk.attach ");
                }
            }
        } catch (IOException | RuntimeException e) {
            // no release file: look for a Java 8 JDK's tools.jar
        }
        return Files.isRegularFile(javaHome.resolve("lib/tools.jar"))
                || Files.isRegularFile(javaHome.resolve("../lib/tools.jar"));
    }

    private CliException attachFailure(TargetProcess process, Exception e) {
        String pid = process.pid;
        String reason = String.valueOf(e.getMessage());
        String lower = reason.toLowerCase(Locale.ROOT);
        if (lower.contains("no such process") || lower.contains("non existent")
                || !TargetProcess.procAvailable() && lower.contains("not found")) {
            return new CliException("there is no JVM with pid " + pid + " (" + reason + ")", e);
        }
        if (lower.contains("permission denied") || lower.contains("operation not permitted")
                || lower.contains("owned by") || lower.contains("not secure")) {
            return new CliException("JVM " + pid + " refused the attach: it belongs to another user, or this user "
                    + "may not signal it (" + reason + "); run this tool as the JVM's user", e);
        }
        if (e.getClass().getSimpleName().equals("AttachNotSupportedException")) {
            return new CliException("JVM " + pid + " does not accept attach requests (" + reason + "): it may have "
                    + "been started with -XX:+DisableAttachMechanism, be starting up or ending, or not be a "
                    + "HotSpot or OpenJ9 JVM", e);
        }
        return new CliException("cannot attach to JVM " + pid + ": " + shortReason(e), e);
    }

    /** 8 for "1.8", 17 for "17"; 0 if unknown. */
    static int javaFeature(String specificationVersion) {
        String version = specificationVersion == null ? "0" : specificationVersion;
        try {
            return Integer.parseInt(version.startsWith("1.") ? version.substring(2) : version);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static String shortReason(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    static boolean dynamicLoadingDisabled(Properties agentProperties) {
        String flags = agentProperties.getProperty("sun.jvm.flags", "") + " "
                + agentProperties.getProperty("sun.jvm.args", "");
        int disabled = flags.lastIndexOf("-XX:-EnableDynamicAgentLoading");
        return disabled >= 0 && disabled > flags.lastIndexOf("-XX:+EnableDynamicAgentLoading");
    }

    private static ThreadFactory daemons() {
        return runnable -> {
            Thread thread = new Thread(runnable, "selfconnect-list");
            thread.setDaemon(true);
            return thread;
        };
    }

    /** An attached JVM: its facts, and loading the agent into it with a command. */
    private final class Target {

        final TargetProcess process;
        final AttachApi.Session session;
        final Properties properties;
        final Properties agentProperties;
        final long started;
        final String main;

        Target(TargetProcess process, AttachApi.Session session, Properties properties, Properties agentProperties,
               long started) {
            this.process = process;
            this.session = session;
            this.properties = properties;
            this.agentProperties = agentProperties;
            this.started = started;
            this.main = mainClass(properties.getProperty("sun.java.command"));
        }

        int javaFeature() {
            return Commands.javaFeature(properties.getProperty("java.specification.version"));
        }

        /** Loads the agent with {@code command=NAME}, and returns its reply; a reply that is no success throws. */
        AttachReply load(String command, String settings) throws CliException {
            String pid = process.pid;
            if (dynamicLoadingDisabled(agentProperties)) {
                AgentState state = AgentState.of(properties);
                throw new CliException("JVM " + pid + " was started with -XX:-EnableDynamicAgentLoading: it accepts "
                        + "no agent while it runs, so selfconnect cannot be "
                        + (command.equals("status") ? "asked for its status" : command + "ed") + " there"
                        + (state == null ? "; start it with -javaagent:" + agentJar + " instead (settings as "
                        + "-javaagent:selfconnect.jar=mode=throw or -Dselfconnect.mode=throw)"
                        : "; it has selfconnect " + state.version + " from its command line (" + state.state
                        + ": " + state.settings + "), whose settings change only with a restart"));
            }
            Reply reply = Reply.create(process, properties);
            String arguments = "command=" + command + ",reply=" + reply.pathForTarget
                    + (settings.isEmpty() ? "" : "," + settings);
            try {
                session.loadAgent(jarForTarget(), arguments);
            } catch (Exception e) {
                throw loadFailure(e, reply.take());
            }
            String content = reply.take();
            AttachReply answer = AttachReply.parse(content);
            if (answer == null) {
                throw new CliException("JVM " + pid + " loaded the agent but its answer did not arrive in "
                        + reply.pathHere + (content.isEmpty() ? "" : " (it held no reply: '" + content + "')")
                        + "; see the JVM's standard error for lines starting with [selfconnect]");
            }
            if (answer.status() == AttachReply.Status.INVALID_SETTING) {
                throw new CliException("JVM " + pid + " rejected the settings: "
                        + answer.text().replace("agent argument", "argument"));
            }
            if (!answer.status().success()) {
                throw new CliException("JVM " + pid + ": " + answer.text());
            }
            return answer;
        }

        private CliException loadFailure(Exception e, String answer) {
            String pid = process.pid;
            String reason = String.valueOf(e.getMessage());
            if (reason.contains("EnableDynamicAgentLoading") || reason.contains("ynamic agent loading")) {
                return new CliException("JVM " + pid + " does not allow agents to be loaded while it runs (" + reason
                        + "); start it with -javaagent:" + agentJar + " instead", e);
            }
            if (reason.contains("not found") || reason.contains("Agent-Class")) {
                return new CliException("JVM " + pid + " could not open the agent jar " + agentJar + " (" + reason
                        + "): the JVM's user (uid " + process.uid() + ") must be able to read it",
                        e);
            }
            return new CliException("loading the agent into JVM " + pid + " failed: " + shortReason(e)
                    + (answer.isEmpty() ? "" : " (" + answer + ")") + "; see the JVM's standard error", e);
        }

        /**
         * The agent jar's path as the target sees it. A JVM in another mount namespace (a container, a service with
         * PrivateTmp) may not see this tool's file there: it gets a copy in its own temporary directory.
         */
        private String jarForTarget() throws CliException {
            String path = agentJar.toString();
            Path seen = process.ownView(path);
            try {
                if (!TargetProcess.procAvailable() || seen != null && Files.isSameFile(seen, agentJar)) {
                    return path;
                }
                String tmp = properties.getProperty("java.io.tmpdir", "/tmp");
                Path dir = process.ownView(tmp);
                if (dir == null) {
                    return path;
                }
                Path copy = Files.createTempFile(dir, "selfconnect-agent-", ".jar");
                Files.copy(agentJar, copy, StandardCopyOption.REPLACE_EXISTING);
                Reply.handOver(copy, process, true);
                return Paths.get(tmp).resolve(copy.getFileName().toString()).toString();
            } catch (IOException e) {
                throw new CliException("cannot give JVM " + process.pid + " a copy of the agent jar: " + e, e);
            }
        }

        void warnAboutDynamicLoading() {
            if (javaFeature() >= 21 && !String.valueOf(agentProperties.getProperty("sun.jvm.args"))
                    .contains("-XX:+EnableDynamicAgentLoading")) {
                err.println("note: Java " + javaFeature() + " warns on JVM " + process.pid + "'s standard error "
                        + "when an agent is loaded while it runs; start it with -XX:+EnableDynamicAgentLoading to "
                        + "allow that without the warning");
            }
        }

        void close() {
            session.close();
        }
    }
}
