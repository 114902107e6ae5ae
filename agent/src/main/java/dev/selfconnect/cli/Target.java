package dev.selfconnect.cli;

import dev.selfconnect.agent.AttachRequest;

import dev.selfconnect.agent.AttachReply;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Properties;

/** A JVM this tool is attached to: its facts, and loading the agent into it with a command. Closing it detaches. */
final class Target implements AutoCloseable {

    final TargetProcess process;
    final Properties properties;
    final Properties agentProperties;
    /** When the attach began, for the time an attach took. */
    final long started;
    /** The JVM's main class or jar, without its arguments. */
    final String main;
    private final AttachApi.Session session;
    private final Invocation invocation;

    private Target(TargetProcess process, AttachApi.Session session, Properties properties,
                   Properties agentProperties, long started, Invocation invocation) {
        this.process = process;
        this.session = session;
        this.properties = properties;
        this.agentProperties = agentProperties;
        this.started = started;
        this.invocation = invocation;
        this.main = JvmFacts.mainClass(properties.getProperty("sun.java.command"));
    }

    /** Checks the process, attaches to it and reads its system properties; the caller closes it. */
    static Target connect(String pid, Invocation invocation) throws CliException {
        TargetProcess process = TargetProcess.of(pid);
        int ownUid = TargetProcess.ownUid();
        int uid = process.uid();
        if (ownUid != TargetProcess.UNKNOWN_UID && uid != TargetProcess.UNKNOWN_UID && ownUid != 0 && uid != ownUid) {
            String user = TargetProcess.userName(uid);
            throw new CliException("process " + process.pid + " (" + process.commandName() + ") belongs to "
                    + (user == null ? "uid " + uid : user + " (uid " + uid + ")") + ", not to you (uid " + ownUid
                    + "): a JVM accepts attach requests from its own user and root only; run this tool as that "
                    + "user: sudo " + (uid == 0 ? "" : "-u " + (user == null ? "'#" + uid + "'" : user) + " ")
                    + "java -jar " + invocation.agentJar() + " " + invocation.text());
        }
        Boolean jvm = process.runsJvm();
        AttachApi api = AttachApi.require(process, invocation);
        // The attach handshake signals the process (SIGQUIT), which ends one that is not a JVM: go on only for a JVM.
        if (Boolean.FALSE.equals(jvm) || jvm == null && TargetProcess.procAvailable() && !api.lists(process.pid)) {
            throw new CliException("process " + process.pid + " (" + process.commandName() + ") is not a Java "
                    + "virtual machine " + (jvm == null ? "this tool can see " : "") + "(list the JVMs you can "
                    + "attach to with: java -jar selfconnect.jar list)");
        }
        String ownJava = System.getProperty("java.specification.version");
        if (process.hasOwnTmpButSharesPids() && JvmFacts.javaFeature(ownJava) < 25) {
            // Such a Java looks for the JVM's attach socket in this tool's /tmp, never finds it, and signals the JVM
            // again and again: each signal makes it print a thread dump.
            throw new CliException("JVM " + process.pid + " runs in another mount namespace (a container, or a "
                    + "service with a private /tmp) but among this tool's pids; the attach API of Java " + ownJava
                    + " cannot reach it there: run this tool with Java 25 or later, or inside that namespace "
                    + "(nsenter --target " + process.pid + " --mount java -jar selfconnect.jar ...)");
        }
        long started = System.nanoTime();
        AttachApi.Session session;
        try {
            session = api.attach(process.pid);
        } catch (Exception e) {
            throw Failures.attach(process.pid, e, TargetProcess.procAvailable());
        }
        try {
            return new Target(process, session, session.systemProperties(), session.agentProperties(), started,
                    invocation);
        } catch (Exception e) {
            session.close();
            throw new CliException("JVM " + process.pid + " did not tell its system properties: "
                    + Failures.shortReason(e), e);
        }
    }

    /** The agent's state there, or null when it has never been loaded. */
    AgentState agentState() {
        return AgentState.of(properties);
    }

    int javaFeature() {
        return JvmFacts.javaFeature(properties.getProperty("java.specification.version"));
    }

    boolean dynamicLoadingDisabled() {
        return JvmFacts.dynamicLoadingDisabled(agentProperties);
    }

    /** Loads the agent with {@code command=NAME} and no settings, and returns its reply; a failure throws. */
    AttachReply load(String command) throws CliException {
        return load(command, false, "");
    }

    /**
     * Loads the agent with {@code command=NAME}, and returns its reply; a reply that is no success throws.
     *
     * @param reset whether the settings not given go back to their defaults rather than keep their values
     * @param settings agent arguments, as {@link Arguments#settings} gives them; empty for none
     */
    AttachReply load(String command, boolean reset, String settings) throws CliException {
        String pid = process.pid;
        Path agentJar = invocation.agentJar();
        if (dynamicLoadingDisabled()) {
            AgentState state = agentState();
            throw new CliException("JVM " + pid + " was started with -XX:-EnableDynamicAgentLoading: it accepts "
                    + "no agent while it runs, so selfconnect cannot be "
                    + (command.equals("status") ? "asked for its status" : command + "ed") + " there"
                    + (state == null ? "; start it with -javaagent:" + agentJar + " instead (settings as "
                    + "-javaagent:selfconnect.jar=mode=throw or -Dselfconnect.mode=throw)"
                    : "; it has selfconnect " + state.version + " from its command line (" + state.stateText
                    + ": " + state.settings + "), whose settings change only with a restart"));
        }
        ReplyFile reply = ReplyFile.create(process, properties);
        try {
            session.loadAgent(jarForTarget(agentJar), AttachRequest.format(AttachRequest.Command.valueOf(command.toUpperCase(Locale.ROOT)), reply.pathForTarget, reset,
                    settings));
        } catch (Exception e) {
            throw Failures.load(pid, e, reply.take(), agentJar, process.uid());
        }
        return ReplyOutcome.accept(pid, reply.take(), reply.pathHere.toString());
    }

    /**
     * The agent jar's path as the target sees it. A JVM in another mount namespace (a container, a service with
     * PrivateTmp) may not see this tool's file there: it gets a copy in its own temporary directory.
     */
    private String jarForTarget(Path agentJar) throws CliException {
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
            ReplyFile.handOver(copy, process, true);
            return Paths.get(tmp).resolve(copy.getFileName().toString()).toString();
        } catch (IOException e) {
            throw new CliException("cannot give JVM " + process.pid + " a copy of the agent jar: " + e, e);
        }
    }

    /** After a load: on Java 21 and later, tells how to load without the JVM's warning. */
    void warnAboutDynamicLoading() {
        if (JvmFacts.warnsOnDynamicLoading(javaFeature(), agentProperties)) {
            invocation.err.println("note: Java " + javaFeature() + " warns on JVM " + process.pid + "'s standard "
                    + "error when an agent is loaded while it runs; start it with -XX:+EnableDynamicAgentLoading to "
                    + "allow that without the warning");
        }
    }

    @Override
    public void close() {
        session.close();
    }
}
