package dev.selfconnect.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

import dev.selfconnect.it.container.Steps;

/**
 * The images each JDK's scenarios run in, in two layers.
 * <ul>
 * <li>The JDK's runtime image: {@code -Dit.image.jdkNN} if given, else built here without any registry:
 * {@code jlink} makes a small runtime from the local JDK, the shared libraries it links to are copied beside it,
 * and both go into a {@code FROM scratch} image. Its tag carries a hash of the JDK's {@code release} file and the
 * module list, so a daemon that already has it reuses it.</li>
 * <li>On top, for one test run: selfconnect.jar and demo-app.jar in /app, and the {@link Steps} class in /it.
 * Copying these into each container instead costs about a second per container; this image is removed when the
 * tests end.</li>
 * </ul>
 */
final class JdkImages {

    static final String AGENT_JAR = "/app/selfconnect.jar";
    static final String DEMO_JAR = "/app/demo-app.jar";
    static final String STEPS_CLASSPATH = "/it";

    /**
     * What the demo and the agent need: jdeps on both jars finds java.base, java.instrument and java.net.http;
     * jdk.unsupported is for sun.misc.Unsafe, which the agent's Byte Buddy looks up by reflection.
     */
    static final String MODULES = String.join(",", "java.base", "java.instrument", "java.net.http", "jdk.unsupported");

    /** Where java lives in the image; the same path as in the eclipse-temurin images. */
    static final String JAVA_HOME = "/opt/java/openjdk";

    /** Bump when the image layout changes, so that old images on a daemon are not reused. */
    private static final String LAYOUT = "1";

    private static final Map<Jdk, String> TEST_IMAGES = new EnumMap<>(Jdk.class);

    private JdkImages() {
    }

    /** The image with the JDK, the agent, the demo and {@link Steps}. */
    static synchronized String testImage(Jdk jdk) {
        return TEST_IMAGES.computeIfAbsent(jdk, JdkImages::buildTestImage);
    }

    private static String buildTestImage(Jdk jdk) {
        String runtime = jdk.configuredImage().isEmpty() ? buildLocalImage(jdk) : jdk.configuredImage();
        String steps = Steps.class.getName().replace('.', '/') + ".class";
        String image = new ImageFromDockerfile() // a random name
                .withFileFromPath("app/selfconnect.jar", jar("it.agent.jar"))
                .withFileFromPath("app/demo-app.jar", jar("it.demo.jar"))
                .withFileFromClasspath("it/" + steps, steps)
                .withFileFromString("Dockerfile", String.join("\n",
                        "FROM " + runtime,
                        "COPY app/ /app/",
                        "COPY it/ " + STEPS_CLASSPATH + "/",
                        ""))
                .get();
        // Testcontainers' own clean-up without Ryuk prunes dangling images only, so this one is removed here.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> removeImage(image)));
        return image;
    }

    private static void removeImage(String image) {
        try {
            DockerClientFactory.lazyClient().removeImageCmd(image).withForce(true).exec();
        } catch (RuntimeException e) {
            System.err.println("Could not remove the test image " + image + ": " + e);
        }
    }

    private static Path jar(String property) {
        Path jar = Paths.get(System.getProperty(property, ""));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("No jar at '" + jar + "' (system property " + property
                    + "): build it first, e.g. mvn -B verify from the repository root");
        }
        return jar.toAbsolutePath().normalize();
    }

    private static String buildLocalImage(Jdk jdk) {
        try {
            if (!System.getProperty("os.name").startsWith("Linux")) {
                throw new IllegalStateException("The " + jdk + " image is linked from the local JDK, which works on"
                        + " Linux only: set -Dit.image.jdk" + jdk.version + "=eclipse-temurin:" + jdk.version + "-jre");
            }
            Path home = Paths.get(jdk.home());
            Path release = home.resolve("release");
            if (jdk.home().isEmpty() || !Files.isRegularFile(release) || !Files.isExecutable(home.resolve("bin/jlink"))) {
                throw new IllegalStateException("No " + jdk + " to build the image from at '" + jdk.home()
                        + "': set -Dtest.jdk" + jdk.version + "=<JDK home> or -Dit.image.jdk" + jdk.version
                        + "=<image with java on its PATH>, e.g. eclipse-temurin:" + jdk.version + "-jre");
            }
            String tag = "selfconnect-it/jdk" + jdk.version + ":" + hash(Files.readString(release), MODULES, LAYOUT);
            if (imageExists(tag)) {
                return tag;
            }
            long start = System.nanoTime();
            Path context = Paths.get(System.getProperty("it.work.dir", "target/it-images"), "jdk" + jdk.version);
            deleteRecursively(context);
            Path rootfs = context.resolve("rootfs");
            Path runtime = rootfs.resolve(JAVA_HOME.substring(1));
            Files.createDirectories(runtime.getParent());
            run(home.resolve("bin/jlink").toString(), "--add-modules", MODULES, "--strip-debug", "--no-man-pages",
                    "--no-header-files", "--output", runtime.toString());
            copySharedLibraries(runtime, rootfs);
            Files.createDirectories(rootfs.resolve("tmp"));
            Files.writeString(context.resolve("Dockerfile"), String.join("\n",
                    "FROM scratch",
                    "COPY rootfs/ /",
                    "ENV JAVA_HOME=" + JAVA_HOME + " PATH=" + JAVA_HOME + "/bin",
                    ""));
            String built = new ImageFromDockerfile(tag, false).withFileFromPath(".", context).get();
            System.out.printf("Built image %s from %s in %.1f s%n", built, home, (System.nanoTime() - start) / 1e9);
            return built;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("Could not build the " + jdk + " image: " + e, e);
        }
    }

    /** Copies every library that the runtime's executables and .so files load, found with ldd, to the same path. */
    private static void copySharedLibraries(Path runtime, Path rootfs) throws IOException, InterruptedException {
        List<String> elfFiles = new ArrayList<>();
        try (Stream<Path> files = Files.walk(runtime)) {
            files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().endsWith(".so") || f.getParent().endsWith("bin")
                            || f.getFileName().toString().equals("jspawnhelper"))
                    .forEach(f -> elfFiles.add(f.toString()));
        }
        TreeSet<String> libraries = new TreeSet<>();
        for (String file : elfFiles) {
            for (String line : run("ldd", file).split("\n")) {
                // "libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)"
                for (String word : line.trim().split("\\s+")) {
                    if (word.startsWith("/") && !word.startsWith(runtime.toString())) {
                        libraries.add(word);
                    }
                }
            }
        }
        if (libraries.stream().noneMatch(l -> l.contains("/libc.so"))) {
            throw new IllegalStateException("ldd found no libc for the runtime: " + libraries);
        }
        for (String library : libraries) {
            Path target = rootfs.resolve(library.substring(1));
            Files.createDirectories(target.getParent());
            Files.copy(Paths.get(library).toRealPath(), target); // the file itself, not the symlink
        }
    }

    private static boolean imageExists(String tag) {
        try {
            DockerClientFactory.lazyClient().inspectImageCmd(tag).exec();
            return true;
        } catch (com.github.dockerjava.api.exception.NotFoundException e) {
            return false;
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed:\n" + output);
        }
        return output;
    }

    private static String hash(String... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                digest.update(part.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
