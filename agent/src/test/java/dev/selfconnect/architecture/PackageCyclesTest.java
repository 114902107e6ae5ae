package dev.selfconnect.architecture;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * No package of the agent depends, directly or through others, on a package that depends back on it: the
 * dependencies are read from the compiled classes, so a cycle cannot come back unnoticed.
 */
class PackageCyclesTest {

    private static final String AGENT = "dev.selfconnect";

    @Test
    void agentPackagesFormNoCycle() {
        List<ClassFile> classes = ClassFile.readAll(ClassFile.compiledAgentClasses(), "dev/selfconnect/shaded/", "sun/");
        assertTrue(classes.size() > 50, "agent classes read: " + classes.size());
        Map<String, Map<String, Set<String>>> graph = packageGraph(classes);
        assertTrue(graph.size() > 5, "agent packages: " + graph.keySet());

        List<List<String>> cycles = cycles(graph);
        if (!cycles.isEmpty()) {
            fail(describe(cycles, graph));
        }
    }

    @Test
    void findsEveryCycleOfAGraphThatHasSome() {
        Map<String, Map<String, Set<String>>> graph = new TreeMap<>();
        edge(graph, "a", "b");
        edge(graph, "b", "a");
        edge(graph, "b", "c");
        edge(graph, "c", "d");
        edge(graph, "d", "b");
        edge(graph, "d", "e");
        edge(graph, "e", "e");

        assertEquals(List.of(List.of("a", "b", "a"), List.of("b", "c", "d", "b")), cycles(graph));
    }

    @Test
    void findsNoCycleInALayeredGraph() {
        Map<String, Map<String, Set<String>>> graph = new TreeMap<>();
        edge(graph, "a", "b");
        edge(graph, "a", "c");
        edge(graph, "b", "c");

        assertEquals(List.of(), cycles(graph));
    }

    private static void edge(Map<String, Map<String, Set<String>>> graph, String from, String to) {
        graph.computeIfAbsent(from, p -> new TreeMap<>()).computeIfAbsent(to, p -> new TreeSet<>()).add(from + " uses " + to);
        graph.computeIfAbsent(to, p -> new TreeMap<>());
    }

    /** Package to the agent packages it uses, each with the class-level uses that make the edge. */
    private static Map<String, Map<String, Set<String>>> packageGraph(List<ClassFile> classes) {
        Map<String, Map<String, Set<String>>> graph = new TreeMap<>();
        for (ClassFile c : classes) {
            String from = ClassFile.packageOf(c.name());
            graph.computeIfAbsent(from, p -> new TreeMap<>());
            for (String type : c.referencedTypes()) {
                String to = ClassFile.packageOf(type);
                if (!to.equals(from) && isAgentPackage(to)) {
                    graph.get(from).computeIfAbsent(to, p -> new TreeSet<>())
                            .add(simpleName(c.name()) + " uses " + simpleName(type));
                }
            }
        }
        return graph;
    }

    private static boolean isAgentPackage(String name) {
        return (name.equals(AGENT) || name.startsWith(AGENT + ".")) && !name.startsWith(AGENT + ".shaded");
    }

    private static String simpleName(String internalName) {
        return internalName.substring(internalName.lastIndexOf('/') + 1);
    }

    /**
     * One shortest cycle through each package that lies on a cycle, as a path that returns to its start, each
     * cycle once (starting at its smallest package).
     */
    static List<List<String>> cycles(Map<String, Map<String, Set<String>>> graph) {
        Set<List<String>> cycles = new LinkedHashSet<>();
        for (String start : graph.keySet()) {
            List<String> cycle = shortestCycle(graph, start);
            if (cycle != null) {
                cycles.add(rotateToSmallest(cycle));
            }
        }
        List<List<String>> sorted = new ArrayList<>(cycles);
        sorted.sort((x, y) -> String.join(" ", x).compareTo(String.join(" ", y)));
        return sorted;
    }

    private static List<String> shortestCycle(Map<String, Map<String, Set<String>>> graph, String start) {
        Map<String, String> reachedFrom = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>(List.of(start));
        while (!queue.isEmpty()) {
            String current = queue.removeFirst();
            for (String next : graph.get(current).keySet()) {
                if (next.equals(start) && !current.equals(start)) {
                    List<String> path = new ArrayList<>(List.of(start));
                    for (String p = current; !p.equals(start); p = reachedFrom.get(p)) {
                        path.add(1, p);
                    }
                    path.add(start);
                    return path;
                }
                if (!next.equals(start) && !reachedFrom.containsKey(next)) {
                    reachedFrom.put(next, current);
                    queue.addLast(next);
                }
            }
        }
        return null;
    }

    private static List<String> rotateToSmallest(List<String> cycle) {
        List<String> ring = cycle.subList(0, cycle.size() - 1);
        int smallest = ring.indexOf(new TreeSet<>(ring).first());
        List<String> rotated = new ArrayList<>();
        for (int i = 0; i <= ring.size(); i++) {
            rotated.add(ring.get((smallest + i) % ring.size()));
        }
        return rotated;
    }

    private static String describe(List<List<String>> cycles, Map<String, Map<String, Set<String>>> graph) {
        StringBuilder message = new StringBuilder(cycles.size() + " package cycle(s) among the agent's packages:");
        for (List<String> cycle : cycles) {
            message.append("\n  ").append(String.join(" -> ", cycle.stream().map(PackageCyclesTest::shortPackage).toList()));
            for (int i = 0; i + 1 < cycle.size(); i++) {
                Set<String> uses = graph.get(cycle.get(i)).get(cycle.get(i + 1));
                message.append("\n    ").append(shortPackage(cycle.get(i))).append(" -> ")
                        .append(shortPackage(cycle.get(i + 1))).append(": ")
                        .append(String.join(", ", uses.stream().limit(4).toList()))
                        .append(uses.size() > 4 ? ", and " + (uses.size() - 4) + " more" : "");
            }
        }
        return message.toString();
    }

    private static String shortPackage(String name) {
        return name.startsWith(AGENT + ".") ? name.substring(AGENT.length() + 1) : name;
    }
}
