package dev.selfconnect.it;

import dev.selfconnect.architecture.ClassFile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The startup rules, checked on the real jar: the agent's classes (its own, the bridge, the relocated ASM) that a
 * JVM loads before the application's main class are those of the allow-list {@value #LIST}, no class of the agent
 * loaded then is a lambda or another hidden class, and none of the listed classes uses invokedynamic or reflection
 * outside the named {@link #REFLECTION_EXCEPTIONS}. Every class loaded before main is read and verified from the jar
 * on the application's start, and a lambda or a reflective call there sets up the JDK's method handles (about 30 ms
 * on JDK 25): adding one is a deliberate edit of the list, and the benchmark suite's start rows say what it costs.
 * <p>
 * The list, one class a line: a class the agent loads on every JDK the test runs, or only on those named after it
 * ({@code jdk8 jdk17}); {@code background} marks a class that the agent's weaver thread loads while premain runs: it
 * races with the main thread, so it may load before main or after, and only its being listed is checked.
 */
class PremainClassesIT {

    static final String LIST = "premain-classes.txt";
    private static final Path LIST_SOURCE = Paths.get("src/test/resources", LIST);
    private static final Path REGENERATED = Paths.get("target", LIST);
    private static final int[] STARTUP_JDKS = {8, 17, 25};
    private static final String MAIN_CLASS = "dev.selfconnect.scenarios.TrivialMain";
    private static final String BACKGROUND = "background";
    private static final String RELOCATED_ASM = "dev.selfconnect.shaded.bytebuddy.jar.asm.";
    private static final Path TEST_CLASSES = Paths.get("target/test-classes").toAbsolutePath();

    /** JDK 8's -verbose:class: {@code [Loaded NAME from SOURCE]}. */
    private static final Pattern VERBOSE_CLASS = Pattern.compile("^\\[Loaded (\\S+) from .*\\]$");
    /** -Xlog:class+load with the thread id: {@code [TID] NAME source: SOURCE}. */
    private static final Pattern UNIFIED_LOG = Pattern.compile("^\\[(\\d+)\\]\\s*(\\S+) source: .*$");

    /**
     * The uses of invokedynamic, reflection or method handles that listed classes may keep, each with why: none runs
     * a lambda or a reflective call on the start path. A key is the class and the use as {@link #usesOf} names it:
     * {@code invokedynamic}, or the member used ({@code java/lang/Class.forName}).
     */
    static final Map<String, String> REFLECTION_EXCEPTIONS = Map.ofEntries(
            Map.entry("dev.selfconnect.config.SettingsLoader invokedynamic",
                    "the lambdas list the known settings in the message of an unknown one, after which the JVM stops"),
            Map.entry("dev.selfconnect.instrumentation.ConnectInstrumentation$Preparation java/lang/Class.forName",
                    "the weaver thread loads the JDK's target classes by name, without initializing them: class "
                            + "loading, no reflective access, and not on the main thread"),
            Map.entry("dev.selfconnect.instrumentation.JavaBaseAccess java/lang/Class.forName",
                    "loads the modular access class in its own loader and asks whether the bridge is defined: class "
                            + "loading by name, no method handles"),
            Map.entry("dev.selfconnect.instrumentation.JavaBaseAccess java/lang/Class.getDeclaredField",
                    "reads a channel's descriptor when a found self-connection is closed, never on the start path"),
            Map.entry("dev.selfconnect.instrumentation.LegacyJavaBase java/lang/reflect/AccessibleObject.setAccessible",
                    "JDK 8 only, and only for what JavaBaseAccess reads when a self-connection is closed"),
            Map.entry("dev.selfconnect.instrumentation.modular.ModularJavaBase "
                            + "java/lang/reflect/AccessibleObject.setAccessible",
                    "only for what JavaBaseAccess reads when a self-connection is closed"),
            Map.entry("dev.selfconnect.instrumentation.PrivateAgentJar java/lang/Class.getDeclaredFields",
                    "on the weaver thread, once premain is over: finds the class loader's reader of the agent jar "
                            + "to move it to a private copy; never on the main thread"),
            Map.entry("dev.selfconnect.instrumentation.PrivateAgentJar java/lang/reflect/Field.get",
                    "the same, on the weaver thread"),
            Map.entry("dev.selfconnect.instrumentation.PrivateAgentJar java/lang/reflect/Field.getName",
                    "the same, on the weaver thread"),
            Map.entry("dev.selfconnect.instrumentation.PrivateAgentJar java/lang/reflect/Field.getType",
                    "the same, on the weaver thread"),
            Map.entry("dev.selfconnect.instrumentation.PrivateAgentJar java/lang/reflect/Field.set",
                    "the same, on the weaver thread: the jar loader reads the private copy from then on"),
            Map.entry("dev.selfconnect.instrumentation.modular.ModularJavaBase java/lang/Class.forName",
                    "finds the bridge's host class in java.base by name, without initializing it"),
            Map.entry("dev.selfconnect.instrumentation.modular.ModularJavaBase java/lang/invoke/MethodHandles.lookup",
                    "defining the bridge inside java.base takes a lookup there (JDK 9 and later have no other way);"
                            + " the calls are direct, no method handle is invoked"),
            Map.entry("dev.selfconnect.instrumentation.modular.ModularJavaBase "
                            + "java/lang/invoke/MethodHandles.privateLookupIn",
                    "the same: the lookup in the bridge's package that defines it"),
            Map.entry("dev.selfconnect.instrumentation.modular.ModularJavaBase "
                            + "java/lang/invoke/MethodHandles$Lookup.defineClass",
                    "the same: the call that defines the bridge"),
            Map.entry("dev.selfconnect.shaded.bytebuddy.jar.asm.ClassWriter java/lang/Class.forName",
                    "ASM's getCommonSuperClass, used only for COMPUTE_FRAMES, which no writer of the agent asks for"),
            Map.entry("dev.selfconnect.shaded.bytebuddy.jar.asm.Type java/lang/reflect/Method.getParameterTypes",
                    "ASM's Type.getType(Method) and getMethodDescriptor(Method), which the agent never calls"),
            Map.entry("dev.selfconnect.shaded.bytebuddy.jar.asm.Type java/lang/reflect/Method.getReturnType",
                    "the same"),
            Map.entry("dev.selfconnect.shaded.bytebuddy.jar.asm.Type java/lang/reflect/Constructor.getParameterTypes",
                    "ASM's Type.getConstructorDescriptor, which the agent never calls"));

    /**
     * The uses of invokedynamic, reflection or method handles in a class file: {@code invokedynamic} for any
     * dynamic constant or lambda bootstrap, else each reflective member as {@code owner.name}.
     */
    static Set<String> usesOf(ClassFile classFile) {
        Set<String> uses = new TreeSet<>();
        if (!classFile.dynamicConstants().isEmpty()) {
            uses.add("invokedynamic");
        }
        for (String member : classFile.memberReferences()) {
            if (member.startsWith("java/lang/invoke/LambdaMetafactory.")
                    || member.startsWith("java/lang/invoke/StringConcatFactory.")) {
                uses.add("invokedynamic");
            } else if (isReflective(member)) {
                uses.add(member.substring(0, member.indexOf(':')));
            }
        }
        return uses;
    }

    /** What one JVM loaded of the agent before main's class: the class, and whether its main thread loaded it. */
    private record Observed(int jdk, Map<String, Boolean> classesByMainThread, List<String> hiddenClasses) {
        /** Null on JDK 8, whose class loading log names no thread. */
        Boolean byMainThread(String className) {
            return classesByMainThread.get(className);
        }
    }

    /** One line of the list. */
    private record Entry(String className, Set<Integer> jdks, boolean background) {
        boolean appliesTo(int jdk) {
            return jdks.isEmpty() || jdks.contains(jdk);
        }
    }

    @Test
    void theAgentLoadsTheListedClassesOnlyBeforeMain() throws IOException {
        Map<String, Entry> list = readList();
        List<Observed> runs = new ArrayList<>();
        for (ChildJvm.Jdk jdk : ChildJvm.jdks()) {
            if (isStartupJdk(jdk.feature())) {
                runs.add(observe(jdk));
            }
        }
        ChildJvm.require(!runs.isEmpty(), "none of JDK 8, 17 and 25 found", "the startup rules run on them");

        StringBuilder problems = new StringBuilder();
        for (Observed run : runs) {
            if (!run.hiddenClasses().isEmpty()) {
                problems.append("\nJDK ").append(run.jdk()).append(": lambdas or other hidden classes of the agent "
                        + "loaded before main (no lambda or method reference may run before main): ")
                        .append(run.hiddenClasses());
            }
            Set<String> added = new TreeSet<>();
            for (String loaded : run.classesByMainThread().keySet()) {
                Entry entry = list.get(loaded);
                boolean listed = entry != null && entry.appliesTo(run.jdk());
                if (!listed && !isWeaversAsmWarmUp(run, loaded)) {
                    added.add(loaded + threadOf(run, loaded));
                }
            }
            Set<String> removed = new TreeSet<>();
            for (Entry entry : list.values()) {
                if (entry.appliesTo(run.jdk()) && !entry.background()
                        && !run.classesByMainThread().containsKey(entry.className())) {
                    removed.add(entry.className());
                }
            }
            if (!added.isEmpty()) {
                problems.append("\nJDK ").append(run.jdk()).append(": ADDED, loaded before main but not listed:\n  + ")
                        .append(String.join("\n  + ", added));
            }
            if (!removed.isEmpty()) {
                problems.append("\nJDK ").append(run.jdk()).append(": REMOVED, listed but no longer loaded before "
                        + "main:\n  - ").append(String.join("\n  - ", removed));
            }
        }
        if (problems.length() > 0) {
            Files.createDirectories(REGENERATED.getParent());
            Files.write(REGENERATED, regenerate(list, runs).getBytes(StandardCharsets.UTF_8));
            fail("the agent's classes loaded before main differ from " + LIST_SOURCE + ":" + problems
                    + "\nEvery class there is read and verified from the jar before the application's main starts: "
                    + "adding one is a deliberate edit of the list (say why in the commit; the benchmark suite's "
                    + "start rows show the cost). To take this run's classes as the new list: cp "
                    + REGENERATED.toAbsolutePath() + " " + LIST_SOURCE.toAbsolutePath() + " (regenerated from the "
                    + "JDKs run here: " + runs.stream().map(r -> "JDK " + r.jdk()).collect(Collectors.joining(", "))
                    + "; run the test again to check it)");
        }
    }

    /**
     * Neither invokedynamic (lambdas, method references, string concatenation compiled for Java 9 or later) nor
     * reflection or method handles in any listed class, except in the named exceptions.
     */
    @Test
    void theListedClassesUseNeitherInvokedynamicNorReflection() throws IOException {
        Map<String, Entry> list = readList();
        Map<String, String> problems = new TreeMap<>();
        Set<String> exceptionsUsed = new TreeSet<>();
        try (JarFile jar = new JarFile(ChildJvm.AGENT_JAR.toFile())) {
            for (String className : list.keySet()) {
                String internalName = className.replace('.', '/');
                JarEntry entry = jar.getJarEntry(internalName + ".class");
                if (entry == null) {
                    problems.put(className, "listed but not in " + ChildJvm.AGENT_JAR);
                    continue;
                }
                ClassFile classFile;
                try (InputStream in = jar.getInputStream(entry)) {
                    classFile = ClassFile.read(in.readAllBytes());
                }
                List<String> found = new ArrayList<>();
                for (String use : usesOf(classFile)) {
                    String key = className + " " + use;
                    if (REFLECTION_EXCEPTIONS.containsKey(key)) {
                        exceptionsUsed.add(key);
                    } else {
                        found.add(use);
                    }
                }
                if (!found.isEmpty()) {
                    problems.put(className, String.join(", ", found));
                }
            }
        }
        assertEquals(Map.of(), problems, "listed classes (loaded before main) that use invokedynamic, reflection or "
                + "method handles; each such use is either removed or named in PremainClassesIT.REFLECTION_EXCEPTIONS "
                + "with its reason");
        assertEquals(REFLECTION_EXCEPTIONS.keySet(), exceptionsUsed, "exceptions that no listed class needs any more");
    }

    /** The check itself: it finds what it is meant to find in a class that has it. */
    @Test
    void findsReflectionWhereThereIs() {
        assertTrue(isReflective("java/lang/Class.forName:(Ljava/lang/String;)Ljava/lang/Class;"));
        assertTrue(isReflective("java/lang/reflect/Method.invoke:(Ljava/lang/Object;[Ljava/lang/Object;)"
                + "Ljava/lang/Object;"));
        assertTrue(isReflective("java/lang/invoke/MethodHandles.lookup:()Ljava/lang/invoke/MethodHandles$Lookup;"));
        assertTrue(!isReflective("java/lang/Class.getName:()Ljava/lang/String;"));
    }

    private static final Set<String> REFLECTIVE_CLASS_METHODS = Set.of("forName", "getMethod", "getMethods",
            "getDeclaredMethod", "getDeclaredMethods", "getField", "getFields", "getDeclaredField",
            "getDeclaredFields", "getConstructor", "getConstructors", "getDeclaredConstructor",
            "getDeclaredConstructors", "newInstance", "getRecordComponents");

    static boolean isReflective(String member) {
        String owner = member.substring(0, member.indexOf('.'));
        String name = member.substring(member.indexOf('.') + 1, member.indexOf(':'));
        return owner.startsWith("java/lang/reflect/") || owner.startsWith("java/lang/invoke/")
                || (owner.equals("java/lang/Class") && REFLECTIVE_CLASS_METHODS.contains(name));
    }

    private static boolean isStartupJdk(int feature) {
        for (int startup : STARTUP_JDKS) {
            if (startup == feature) {
                return true;
            }
        }
        return false;
    }

    private static boolean isAgentClass(String className) {
        return className.startsWith("dev.selfconnect.") || className.startsWith("sun.nio.ch.SelfConnectBridge");
    }

    /** A lambda's class ({@code Host$$Lambda$12/0x...}; JDK 8: {@code Host$$Lambda$1/123}) or another hidden one. */
    private static boolean isHidden(String className) {
        return className.contains("$$Lambda") || className.contains("/");
    }

    /**
     * A class of the relocated ASM that the main thread did not load (on JDK 8 no thread is known): the weaver thread's
     * warm-up, on the processors main competes for, gets through more or fewer of them before main depending on the
     * load; which ones the weaver loads is ASM's business, when is a race.
     */
    private static boolean isWeaversAsmWarmUp(Observed run, String className) {
        return className.startsWith(RELOCATED_ASM) && !Boolean.TRUE.equals(run.byMainThread(className));
    }

    private static String threadOf(Observed run, String className) {
        Boolean main = run.byMainThread(className);
        return main == null ? "" : main ? " (by the main thread: premain)" : " (by another thread)";
    }

    /** Runs the trivial main with the agent's defaults and reads which of the agent's classes loaded before it. */
    private static Observed observe(ChildJvm.Jdk jdk) throws IOException {
        Path log = Files.createTempFile("class-load", ".log");
        try {
            List<String> command = new ArrayList<>(List.of(jdk.java().toString(),
                    "-javaagent:" + ChildJvm.AGENT_JAR.toAbsolutePath()));
            command.add(jdk.atLeast(9) ? "-Xlog:class+load=info:file=" + log + ":tid" : "-verbose:class");
            command.addAll(List.of("-cp", TEST_CLASSES.toString(), MAIN_CLASS));
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().keySet().removeIf(name -> name.startsWith("SELFCONNECT_"));
            ChildJvm.Result result = ChildJvm.run(builder);
            assertEquals(0, result.exitCode(), result::toString);
            assertTrue(result.hasResult("main"), result::toString);
            List<String> lines = jdk.atLeast(9) ? Files.readAllLines(log, StandardCharsets.UTF_8)
                    : result.stdout().lines().toList();
            return parse(jdk.feature(), lines, result);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static Observed parse(int jdk, List<String> lines, ChildJvm.Result result) {
        Map<String, Boolean> classes = new LinkedHashMap<>();
        List<String> hidden = new ArrayList<>();
        String mainThread = null;
        List<String[]> beforeMain = new ArrayList<>();
        for (String line : lines) {
            String thread = null;
            String className;
            Matcher unified = UNIFIED_LOG.matcher(line);
            Matcher verbose = VERBOSE_CLASS.matcher(line);
            if (unified.matches()) {
                thread = unified.group(1);
                className = unified.group(2);
            } else if (verbose.matches()) {
                className = verbose.group(1);
            } else {
                continue;
            }
            if (className.equals(MAIN_CLASS)) {
                mainThread = thread;
                break;
            }
            beforeMain.add(new String[] {className, thread});
        }
        assertTrue(!beforeMain.isEmpty() && (jdk == 8 || mainThread != null),
                "main's class " + MAIN_CLASS + " not found in the class loading log of JDK " + jdk + "\n" + result);
        for (String[] load : beforeMain) {
            if (!isAgentClass(load[0])) {
                continue;
            }
            if (isHidden(load[0])) {
                hidden.add(load[0]);
            } else {
                classes.put(load[0], load[1] == null ? null : load[1].equals(mainThread));
            }
        }
        return new Observed(jdk, classes, hidden);
    }

    static Map<String, Entry> readList() throws IOException {
        Map<String, Entry> entries = new TreeMap<>();
        try (InputStream in = PremainClassesIT.class.getResourceAsStream("/" + LIST)) {
            if (in == null) {
                throw new IOException(LIST + " is not on the test class path");
            }
            int number = 0;
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                number++;
                String text = line.strip();
                if (text.isEmpty() || text.startsWith("#")) {
                    continue;
                }
                String[] words = text.split("\\s+");
                Set<Integer> jdks = new TreeSet<>();
                boolean background = false;
                for (int i = 1; i < words.length; i++) {
                    if (words[i].equals(BACKGROUND)) {
                        background = true;
                    } else if (words[i].matches("jdk\\d+")) {
                        jdks.add(Integer.parseInt(words[i].substring(3)));
                    } else {
                        throw new IllegalArgumentException(LIST + " line " + number + ": '" + words[i] + "' is "
                                + "neither jdkN nor " + BACKGROUND);
                    }
                }
                if (entries.put(words[0], new Entry(words[0], jdks, background)) != null) {
                    throw new IllegalArgumentException(LIST + " line " + number + ": " + words[0] + " twice");
                }
            }
        }
        return entries;
    }

    /**
     * The list as these runs saw it: a class on every JDK run, or on those named; background when a thread other
     * than main loaded it on a JDK that says (JDK 8 does not: a class new there is taken as premain's, and wants
     * "background" by hand if the weaver thread loads it), or when the list said so. A background class is allowed
     * on every JDK: it races, so one run not seeing it on a JDK says nothing.
     */
    private static String regenerate(Map<String, Entry> list, List<Observed> runs) {
        Map<String, Set<Integer>> jdksByClass = new TreeMap<>();
        Map<String, Boolean> background = new TreeMap<>();
        for (Observed run : runs) {
            run.classesByMainThread().forEach((className, byMain) -> {
                jdksByClass.computeIfAbsent(className, c -> new TreeSet<>()).add(run.jdk());
                if (byMain != null) {
                    background.merge(className, !byMain, Boolean::logicalOr);
                }
            });
        }
        Set<Integer> allRun = runs.stream().map(Observed::jdk).collect(Collectors.toCollection(TreeSet::new));
        for (Entry entry : list.values()) {
            if (entry.background()) {
                jdksByClass.computeIfAbsent(entry.className(), c -> new TreeSet<>());
                background.putIfAbsent(entry.className(), true);
            }
        }
        StringBuilder text = new StringBuilder(header());
        jdksByClass.forEach((className, jdks) -> {
            text.append(className);
            Entry old = list.get(className);
            boolean isBackground = background.getOrDefault(className, old != null && old.background());
            if (!isBackground && !jdks.containsAll(allRun)) {
                jdks.forEach(jdk -> text.append(" jdk").append(jdk));
            }
            if (isBackground) {
                text.append(' ').append(BACKGROUND);
            }
            text.append('\n');
        });
        return text.toString();
    }

    /** The list's comment lines, kept as they are. */
    private static String header() {
        try (InputStream in = PremainClassesIT.class.getResourceAsStream("/" + LIST)) {
            StringBuilder header = new StringBuilder();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("#")) {
                    header.append(line).append('\n');
                }
            }
            return header.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
