package dev.selfconnect.identity;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The identity's precedence: each source in turn, over a process described by maps. */
class IdentityResolverTest {

    private static final String ID = "0123456789abcdef".repeat(4);

    private static final class Process implements IdentityResolver.Sources {
        final Map<String, String> environment = new HashMap<>();
        final Map<String, String> properties = new HashMap<>();
        final Map<String, String> files = new HashMap<>();
        String command;

        @Override
        public String environment(String name) {
            return environment.get(name);
        }

        @Override
        public String property(String name) {
            return properties.get(name);
        }

        @Override
        public String command() {
            return command;
        }

        @Override
        public String file(String name) {
            return files.get(name);
        }
    }

    @Test
    void theServiceFollowsThePrecedenceOfItsSources() {
        Process p = new Process();
        assertArrayEquals(new String[] {"unknown_service:java", "nothing names it"}, IdentityResolver.service(null, p));

        p.command = "/opt/orders/orders-service-2.4.1.jar --server.port=8080";
        assertArrayEquals(new String[] {"orders-service-2.4.1", "the main class or jar"},
                IdentityResolver.service(null, p));
        p.command = "com.example.orders.Main --port 8080";
        assertEquals("com.example.orders.Main", IdentityResolver.service(null, p)[0]);

        p.environment.put("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=prod,service.name=orders%20api");
        assertArrayEquals(new String[] {"orders api", "OTEL_RESOURCE_ATTRIBUTES"}, IdentityResolver.service(null, p));

        p.properties.put("otel.resource.attributes", "service.name=from-property");
        assertEquals("from-property", IdentityResolver.service(null, p)[0]);

        p.environment.put("OTEL_SERVICE_NAME", "orders-api");
        assertArrayEquals(new String[] {"orders-api", "OTEL_SERVICE_NAME"}, IdentityResolver.service(null, p));

        p.properties.put("otel.service.name", "orders-from-property");
        assertArrayEquals(new String[] {"orders-from-property", "system property otel.service.name"},
                IdentityResolver.service(null, p));

        assertArrayEquals(new String[] {"checkout", "setting service"}, IdentityResolver.service("checkout", p));
    }

    @Test
    void aBlankSourceIsPassedOver() {
        Process p = new Process();
        p.environment.put("OTEL_SERVICE_NAME", "   ");
        p.environment.put("OTEL_RESOURCE_ATTRIBUTES", "service.name=,service.namespace=shop");
        p.command = "app.jar";
        assertEquals("app", IdentityResolver.service(null, p)[0]);
        assertEquals("app", IdentityResolver.service("  ", p)[0]);
    }

    @Test
    void untrustedValuesAreBoundedAndCannotForgeALine() {
        Process p = new Process();
        p.environment.put("OTEL_SERVICE_NAME", "orders\n[selfconnect] SUMMARY 0 self-connection(s)\u001b[31m"
                + "x".repeat(500));
        String service = IdentityResolver.service(null, p)[0];
        assertEquals(UntrustedText.MAX_LENGTH, service.length());
        String prefix = "orders?[selfconnect] SUMMARY 0 self-connection(s)?[31mx";
        assertEquals(prefix, service.substring(0, prefix.length()));
        assertEquals(-1, service.indexOf('\n'));
        assertEquals("...", service.substring(service.length() - 3));
    }

    @Test
    void resourceAttributesAreDecodedAndTheLastOneWins() {
        assertEquals("a,b c", IdentityResolver.resourceAttribute("service.name=x, service.name = a%2Cb%20c ",
                "service.name"));
        assertEquals("a+b", IdentityResolver.resourceAttribute("service.name=a+b", "service.name"));
        assertEquals("100%", IdentityResolver.resourceAttribute("service.name=100%", "service.name"));
        assertNull(IdentityResolver.resourceAttribute("service.namespace=shop", "service.name"));
        assertNull(IdentityResolver.resourceAttribute(null, "service.name"));
    }

    @Test
    void kubernetesNamesComeFromTheDownwardApiVariablesThenTheResourceThenTheServiceAccount() {
        Process p = new Process();
        assertNull(IdentityResolver.podName(p));
        assertNull(IdentityResolver.namespaceName(p));

        p.files.put(IdentityResolver.SERVICE_ACCOUNT_NAMESPACE, "shop\n");
        assertEquals("shop", IdentityResolver.namespaceName(p));

        p.environment.put("OTEL_RESOURCE_ATTRIBUTES", "k8s.pod.name=orders-1,k8s.namespace.name=from-resource");
        assertEquals("orders-1", IdentityResolver.podName(p));
        assertEquals("from-resource", IdentityResolver.namespaceName(p));

        p.environment.put("POD_NAME", "orders-2");
        p.environment.put("POD_NAMESPACE", "pod-namespace");
        assertEquals("orders-2", IdentityResolver.podName(p));
        assertEquals("pod-namespace", IdentityResolver.namespaceName(p));

        p.environment.put("K8S_POD_NAME", "orders-7d9f-x2v");
        p.environment.put("K8S_NAMESPACE_NAME", "prod");
        assertEquals("orders-7d9f-x2v", IdentityResolver.podName(p));
        assertEquals("prod", IdentityResolver.namespaceName(p));
    }

    @Test
    void theContainerComesFromTheCgroupThenTheMounts() {
        Process p = new Process();
        assertNull(IdentityResolver.containerId(p));
        p.files.put("cgroup", "0::/\n");
        p.files.put("mountinfo", "1 0 8:1 /var/lib/docker/containers/" + ID + "/hostname /etc/hostname rw - ext4 x rw\n");
        assertEquals(ID, IdentityResolver.containerId(p));
        String other = "fedcba9876543210".repeat(4);
        p.files.put("cgroup", "0::/system.slice/docker-" + other + ".scope\n");
        assertEquals(other, IdentityResolver.containerId(p));
    }

    @Test
    void theMainOfACommand() {
        assertEquals("app", IdentityResolver.mainOf("app.jar"));
        assertEquals("app", IdentityResolver.mainOf("C:\\apps\\app.jar x"));
        assertEquals("org.Main", IdentityResolver.mainOf("  org.Main  a b"));
        assertNull(IdentityResolver.mainOf(""));
        assertNull(IdentityResolver.mainOf(null));
    }
}
