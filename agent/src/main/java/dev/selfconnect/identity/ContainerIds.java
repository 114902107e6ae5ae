package dev.selfconnect.identity;

import java.util.Locale;

/**
 * The container a process runs in, as its {@code /proc/PID/cgroup} and {@code /proc/PID/mountinfo} show it. Every
 * runtime names the container's cgroup or files after its 64-hex-digit id:
 * <ul>
 * <li>cgroup v1 and v2 without a cgroup namespace: the id is the last segment of the path that holds one, bare
 * ({@code /docker/ID}, {@code /kubepods/burstable/podUID/ID}) or in a systemd scope ({@code docker-ID.scope},
 * {@code cri-containerd-ID.scope}, {@code crio-ID.scope}, {@code libpod-ID.scope}); the conmon scopes of CRI-O and
 * Podman ({@code crio-conmon-ID.scope}) name the monitor, not the container, and are passed over;</li>
 * <li>cgroup v2 inside a cgroup namespace (Docker's default there) shows only {@code 0::/}; the files the runtime
 * mounts over {@code /etc/hostname}, {@code /etc/hosts} and {@code /etc/resolv.conf} come from the container's own
 * directory ({@code /var/lib/docker/containers/ID/hostname}, {@code .../overlay-containers/ID/userdata/hostname}
 * for Podman and CRI-O); a Kubernetes sandbox's directory ({@code .../sandboxes/ID/...}) names the pod's sandbox,
 * not the container, and is passed over.</li>
 * </ul>
 * The text is untrusted (a container may create cgroups below its own): only a 64-hex-digit segment is ever taken
 * from it, so what comes out is safe to print. Plain code over strings, so that tests give it the files' text.
 */
public final class ContainerIds {

    static final int ID_LENGTH = 64;
    /** Prefixes a runtime puts before the id in a systemd scope or a cgroupfs directory. */
    private static final String[] RUNTIME_PREFIXES = {"docker-", "cri-containerd-", "crio-", "libpod-", "containerd-"};
    private static final String SCOPE = ".scope";
    private static final String CONMON = "conmon";
    private static final String SANDBOXES = "sandboxes";
    private static final String[] RUNTIME_MOUNTS = {"/etc/hostname", "/etc/hosts", "/etc/resolv.conf"};
    /** The pod's cgroup: {@code podUID} (cgroupfs), {@code kubepods-burstable-podUID.slice} (systemd, '_' for '-'). */
    private static final String POD = "pod";
    private static final int UID_LENGTH = 36;

    private ContainerIds() {
    }

    /** The container id in a {@code /proc/PID/cgroup} text, or null where it names none. */
    public static String fromCgroup(String cgroup) {
        if (cgroup == null) {
            return null;
        }
        for (String line : cgroup.split("\n")) {
            String id = fromPath(cgroupPath(line));
            if (id != null) {
                return id;
            }
        }
        return null;
    }

    /** The container id in a {@code /proc/PID/mountinfo} text, or null where it names none. */
    public static String fromMountinfo(String mountinfo) {
        if (mountinfo == null) {
            return null;
        }
        for (String line : mountinfo.split("\n")) {
            String[] fields = line.split(" ");
            // id parent major:minor root mount-point options ...
            if (fields.length < 5 || !isRuntimeMount(fields[4])) {
                continue;
            }
            String id = fromMountRoot(fields[3]);
            if (id != null) {
                return id;
            }
        }
        return null;
    }

    /** The cgroup first, then the runtime's mounts; null where neither names a container. */
    public static String find(String cgroup, String mountinfo) {
        String id = fromCgroup(cgroup);
        return id != null ? id : fromMountinfo(mountinfo);
    }

    /** The Kubernetes pod's uid its cgroup names ({@code podUID} or {@code ...-podUID.slice}), or null. */
    public static String podUid(String cgroup) {
        if (cgroup == null) {
            return null;
        }
        for (String line : cgroup.split("\n")) {
            String path = cgroupPath(line);
            if (path == null || !path.contains("kubepods")) {
                continue;
            }
            for (String segment : path.split("/")) {
                String name = segment.endsWith(".slice") ? segment.substring(0, segment.length() - ".slice".length())
                        : segment;
                int pod = name.lastIndexOf(POD);
                if (pod < 0 || name.length() - pod - POD.length() != UID_LENGTH) {
                    continue;
                }
                String uid = name.substring(pod + POD.length()).replace('_', '-');
                if (isUid(uid)) {
                    return uid;
                }
            }
        }
        return null;
    }

    /** "0::/system.slice/docker-ID.scope" or "4:memory:/docker/ID": the path after the second ':', or null. */
    private static String cgroupPath(String line) {
        int first = line.indexOf(':');
        int second = first < 0 ? -1 : line.indexOf(':', first + 1);
        return second < 0 ? null : line.substring(second + 1).trim();
    }

    private static String fromPath(String path) {
        if (path == null) {
            return null;
        }
        String[] segments = path.split("/");
        for (int i = segments.length - 1; i >= 0; i--) {
            String id = fromSegment(segments[i]);
            if (id != null) {
                return id;
            }
        }
        return null;
    }

    private static String fromSegment(String segment) {
        if (segment.contains(CONMON)) {
            return null;
        }
        String name = segment.endsWith(SCOPE) ? segment.substring(0, segment.length() - SCOPE.length()) : segment;
        for (String prefix : RUNTIME_PREFIXES) {
            if (name.startsWith(prefix)) {
                name = name.substring(prefix.length());
                break;
            }
        }
        return isId(name) ? name : null;
    }

    private static boolean isRuntimeMount(String mountPoint) {
        for (String mount : RUNTIME_MOUNTS) {
            if (mount.equals(mountPoint)) {
                return true;
            }
        }
        return false;
    }

    /** ".../containers/ID/hostname", ".../overlay-containers/ID/userdata/hostname": the id after a containers dir. */
    private static String fromMountRoot(String root) {
        String[] segments = root.split("/");
        for (int i = 1; i < segments.length; i++) {
            String parent = segments[i - 1];
            if (parent.equals(SANDBOXES)) {
                return null;
            }
            if ((parent.equals("containers") || parent.equals("overlay-containers")) && isId(segments[i])) {
                return segments[i];
            }
        }
        return null;
    }

    static boolean isId(String text) {
        if (text.length() != ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isUid(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (!lower.equals(text)) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** The first 12 digits, as {@code docker ps} shows an id. */
    public static String shortId(String id) {
        return id == null || id.length() <= 12 ? id : id.substring(0, 12);
    }
}
