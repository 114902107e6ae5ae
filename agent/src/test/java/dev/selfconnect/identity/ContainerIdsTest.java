package dev.selfconnect.identity;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The container id in {@code /proc/PID/cgroup} and {@code /proc/PID/mountinfo} as each runtime writes them. */
class ContainerIdsTest {

    private static final String ID = "3f4a9c0e1b2d4f6a8c0e1b2d4f6a8c0e1b2d4f6a8c0e1b2d4f6a8c0e1b2d4f6a";
    private static final String OTHER = "9d1e7f3a5b7c9d1e7f3a5b7c9d1e7f3a5b7c9d1e7f3a5b7c9d1e7f3a5b7c9d1e";
    private static final String POD_UID = "2c48913c-b29f-11e7-9350-020000a3a9c8";

    @Test
    void dockerOnCgroupV1() {
        String cgroup = "12:pids:/docker/" + ID + "\n"
                + "11:hugetlb:/docker/" + ID + "\n"
                + "10:net_cls,net_prio:/docker/" + ID + "\n"
                + "4:memory:/docker/" + ID + "\n"
                + "1:name=systemd:/docker/" + ID + "\n"
                + "0::/system.slice/containerd.service\n";
        assertEquals(ID, ContainerIds.fromCgroup(cgroup));
    }

    @Test
    void dockerWithTheSystemdDriverOnCgroupV2WithoutACgroupNamespace() {
        assertEquals(ID, ContainerIds.fromCgroup("0::/system.slice/docker-" + ID + ".scope\n"));
    }

    @Test
    void dockerOnCgroupV2InItsCgroupNamespaceFromTheMountsOfHostnameHostsResolvConf() {
        String mountinfo = "631 598 0:52 / / rw,relatime master:300 - overlay overlay rw,lowerdir=/var/lib/docker/"
                + "overlay2/l/ABC:/var/lib/docker/overlay2/l/DEF,upperdir=/var/lib/docker/overlay2/" + OTHER
                + "/diff,workdir=/var/lib/docker/overlay2/" + OTHER + "/work\n"
                + "632 631 0:55 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n"
                + "640 631 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec,relatime - cgroup2 cgroup rw,nsdelegate\n"
                + "652 631 254:1 /var/lib/docker/containers/" + ID + "/resolv.conf /etc/resolv.conf rw,relatime"
                + " - ext4 /dev/vda1 rw\n"
                + "653 631 254:1 /var/lib/docker/containers/" + ID + "/hostname /etc/hostname rw,relatime"
                + " - ext4 /dev/vda1 rw\n"
                + "654 631 254:1 /var/lib/docker/containers/" + ID + "/hosts /etc/hosts rw,relatime"
                + " - ext4 /dev/vda1 rw\n";
        assertNull(ContainerIds.fromCgroup("0::/\n"));
        assertEquals(ID, ContainerIds.fromMountinfo(mountinfo));
        assertEquals(ID, ContainerIds.find("0::/\n", mountinfo));
        // /var/lib/docker on a file system of its own: the root field starts below it
        assertEquals(ID, ContainerIds.fromMountinfo("653 631 254:17 /containers/" + ID + "/hostname /etc/hostname"
                + " rw,relatime - xfs /dev/vdb1 rw\n"));
    }

    @Test
    void kubernetesWithContainerdAndCgroupfs() {
        assertEquals(ID, ContainerIds.fromCgroup("11:memory:/kubepods/burstable/pod" + POD_UID + "/" + ID + "\n"
                + "1:name=systemd:/kubepods/burstable/pod" + POD_UID + "/" + ID + "\n"));
        assertEquals(POD_UID, ContainerIds.podUid("11:memory:/kubepods/burstable/pod" + POD_UID + "/" + ID + "\n"));
    }

    @Test
    void kubernetesWithContainerdAndTheSystemdDriver() {
        String cgroup = "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
                + POD_UID.replace('-', '_') + ".slice/cri-containerd-" + ID + ".scope\n";
        assertEquals(ID, ContainerIds.fromCgroup(cgroup));
        assertEquals(POD_UID, ContainerIds.podUid(cgroup));
    }

    @Test
    void criO() {
        String cgroup = "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
                + POD_UID.replace('-', '_') + ".slice/crio-" + ID + ".scope\n";
        assertEquals(ID, ContainerIds.fromCgroup(cgroup));
        // CRI-O's and Podman's container monitor lives in a scope named after the container: it is not the container
        assertNull(ContainerIds.fromCgroup("0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
                + POD_UID.replace('-', '_') + ".slice/crio-conmon-" + ID + ".scope\n"));
        // in a cgroup namespace: the files CRI-O mounts from the container's storage directory
        assertEquals(ID, ContainerIds.fromMountinfo("1210 1190 0:23 /containers/storage/overlay-containers/" + ID
                + "/userdata/hostname /etc/hostname rw,nosuid,nodev - tmpfs tmpfs rw,mode=755\n"));
    }

    @Test
    void podman() {
        // rootful, systemd: the payload sits in the scope's "container" child cgroup
        assertEquals(ID, ContainerIds.fromCgroup("0::/machine.slice/libpod-" + ID + ".scope/container\n"));
        // rootless
        assertEquals(ID, ContainerIds.fromCgroup("0::/user.slice/user-1000.slice/user@1000.service/user.slice/"
                + "libpod-" + ID + ".scope/container\n"));
        // cgroupfs manager
        assertEquals(ID, ContainerIds.fromCgroup("0::/libpod_parent/libpod-" + ID + "\n"));
        assertNull(ContainerIds.fromCgroup("0::/machine.slice/libpod-conmon-" + ID + ".scope\n"));
        // rootless in its cgroup namespace: the mounts from the user's storage
        assertEquals(ID, ContainerIds.fromMountinfo("781 760 0:64 /home/dev/.local/share/containers/storage/"
                + "overlay-containers/" + ID + "/userdata/hostname /etc/hostname rw,nosuid,nodev,relatime"
                + " - tmpfs tmpfs rw,size=1611836k,mode=700,uid=1000,gid=1000\n"));
    }

    @Test
    void aKubernetesSandboxOrTheKubeletsFilesNameNoContainer() {
        String mountinfo = "1402 1380 254:1 /var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/" + OTHER
                + "/hostname /etc/hostname rw,relatime - ext4 /dev/vda1 rw\n"
                + "1403 1380 254:1 /var/lib/kubelet/pods/" + POD_UID + "/etc-hosts /etc/hosts rw,relatime"
                + " - ext4 /dev/vda1 rw\n"
                + "1404 1380 254:1 /var/lib/kubelet/pods/" + POD_UID + "/containers/app/1a2b3c4d /dev/termination-log"
                + " rw,relatime - ext4 /dev/vda1 rw\n";
        assertNull(ContainerIds.fromMountinfo(mountinfo));
    }

    @Test
    void systemdServicesAndSessionsAreNoContainers() {
        assertNull(ContainerIds.fromCgroup("0::/system.slice/sshd.service\n"));
        assertNull(ContainerIds.fromCgroup("0::/user.slice/user-1000.slice/session-3.scope\n"));
        assertNull(ContainerIds.fromCgroup("0::/init.scope\n"));
        assertNull(ContainerIds.podUid("0::/system.slice/sshd.service\n"));
        assertNull(ContainerIds.fromMountinfo("22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"));
    }

    @Test
    void onlyA64DigitLowerCaseHexSegmentIsTaken() {
        assertNull(ContainerIds.fromCgroup("0::/docker/" + ID.substring(1) + "\n"));
        assertNull(ContainerIds.fromCgroup("0::/docker/" + ID.toUpperCase() + "\n"));
        assertNull(ContainerIds.fromCgroup("0::/docker/" + ID.substring(1) + "g\n"));
        assertNull(ContainerIds.fromCgroup("0::/docker/" + ID + "\u001b[2J.scope\n"));
        assertNull(ContainerIds.fromCgroup("garbage without colons\n"));
        assertNull(ContainerIds.fromCgroup(""));
        assertNull(ContainerIds.fromCgroup(null));
        assertNull(ContainerIds.fromMountinfo(null));
        assertNull(ContainerIds.fromMountinfo("short line\n"));
    }

    @Test
    void theDeepestIdWins() {
        // a container nested in another (Docker in Docker, without cgroup namespaces): the inner one is this process's
        assertEquals(OTHER, ContainerIds.fromCgroup("0::/system.slice/docker-" + ID + ".scope/docker/" + OTHER + "\n"));
    }

    @Test
    void theShortFormIsDockersTwelveDigits() {
        assertEquals("3f4a9c0e1b2d", ContainerIds.shortId(ID));
        assertNull(ContainerIds.shortId(null));
    }
}
