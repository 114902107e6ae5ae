package dev.selfconnect.scan;

import dev.selfconnect.vocabulary.EventKind;

/** One thing a scan found in a namespace: a live self-connection, a listener at risk, or a client of one. */
final class Finding {

    final EventKind kind;
    final TcpSocket socket;
    /** Null while, or when, no process can be seen holding the socket. */
    String pid;
    String command;
    String commandName;
    /** Whether the owner runs a JVM; null when unknown or no owner. */
    Boolean jvm;
    /** Whether a JVM owner has the selfconnect agent jar open; null when unknown or not a JVM. */
    Boolean agentJarOpen;
    /** The owner's container, pod and service; null while, or when, there is no owner. */
    OwnerIdentity identity;

    Finding(EventKind kind, TcpSocket socket) {
        this.kind = kind;
        this.socket = socket;
    }

    /** The port a reservation would protect: the listener's or the one connected to. */
    int port() {
        return kind == EventKind.RISK_LISTEN ? socket.localPort : socket.remotePort;
    }

    String owner() {
        return pid == null ? "?" : pid;
    }

    String ownerDescription() {
        if (pid == null) {
            return "a process this user cannot see (uid " + socket.uid + ")";
        }
        return "pid " + pid + " (" + (commandName == null ? "?" : commandName) + ")";
    }

    String containerId() {
        return identity == null ? null : identity.containerId;
    }

    String service() {
        return identity == null ? null : identity.service;
    }

    /** "JVM, agent loaded", "JVM, no agent", "not a JVM", or "" when unknown. */
    String runtime() {
        if (jvm == null) {
            return "";
        }
        if (!jvm) {
            return "not a JVM";
        }
        return agentJarOpen == null ? "JVM, agent unknown" : agentJarOpen ? "JVM, agent loaded" : "JVM, no agent";
    }
}
