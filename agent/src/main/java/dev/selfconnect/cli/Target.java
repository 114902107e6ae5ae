package dev.selfconnect.cli;

import dev.selfconnect.agent.AttachReply;
import dev.selfconnect.agent.AttachRequest;

import java.io.IOException;
import java.nio.file.Path;
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
        this.main = JvmFacts.mainClass(properties.getProperty("sun.java.command"), process);
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
        String requestId = RequestId.fresh();
        String request = AttachRequest.format(AttachRequest.Command.valueOf(command.toUpperCase(Locale.ROOT)),
                requestId, reset, settings);
        AgentState before = agentState();
        boolean agentWasThere = before != null;
        JarCopy copy = null;
        try {
            String jar = visibleJar(agentJar);
            if (jar == null) {
                copy = JarCopy.create(process.root(), properties.getProperty("java.io.tmpdir"), agentJar);
                jar = copy.pathForTarget;
            }
            ArgumentLimit.check(pid, jar, request, javaFeature());
            Exception failure = null;
            try {
                session.loadAgent(jar, request);
            } catch (Exception e) {
                failure = e;
            }
            String answer = replyProperty();
            AttachReply reply = AttachReply.parse(answer, requestId);
            if (reply != null && !agentWasThere && Boolean.FALSE.equals(process.holdsOpen(agentJar,
                    copy == null ? null : copy.fileKey))) {
                throw ReplyOutcome.unauthenticated(pid, answer, "the JVM did not open the agent jar this tool gave "
                        + "it, so other classes of its own answered in the agent's name");
            }
            if (reply == null && before != null && !before.version.equals(Main.version())) {
                throw new CliException("JVM " + pid + " runs selfconnect " + before.version + ", which does not "
                        + "answer the requests of this tool (" + Main.version() + "); use the attach tool of that "
                        + "version, the jar the JVM loaded it from");
            }
            if (failure != null && reply == null) {
                throw Failures.load(pid, failure, answer == null ? "" : ReplyOutcome.excerpt(answer), agentJar,
                        process.uid());
            }
            // The agent's own reply decides: a Java 9+ tool misreads a Java 8 JVM's answer to a successful load as
            // "Failed to load agent library: 0", though the agent ran and replied.
            return ReplyOutcome.accept(pid, answer, requestId);
        } finally {
            if (copy != null) {
                copy.close();
            }
        }
    }

    /** The reply property as the JVM has it now, or null. */
    private String replyProperty() throws CliException {
        try {
            return session.systemProperties().getProperty(AttachReply.PROPERTY);
        } catch (Exception e) {
            throw new CliException("JVM " + process.pid + " did not tell its system properties after the load, which "
                    + "hold the agent's answer: " + Failures.shortReason(e), e);
        }
    }

    /**
     * The agent jar's path if the target sees this very file there, else null (it needs a copy). A JVM in this tool's
     * mount namespace sees it; one in another (a container, a service with a private /tmp) may see another file or
     * none at that path, which is looked up below its root without following any link of its own.
     */
    private String visibleJar(Path agentJar) throws CliException {
        Path real;
        try {
            real = agentJar.toRealPath();
        } catch (IOException e) {
            throw new CliException("cannot read this tool's jar " + agentJar + ": " + e, e);
        }
        if (!TargetProcess.procAvailable() || process.sharesMountNamespace()) {
            return real.toString();
        }
        return process.seesSameFile(real) ? real.toString() : null;
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
