package dev.selfconnect.netty.scenarios;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;

/**
 * Two Netty copies in one JVM, each in its own class loader (as in an application server): runs NettyScenarios in
 * each. Arguments: pairs of (class path, scenario arguments separated by commas).
 */
public final class TwoCopies {

    public static void main(String[] args) throws Exception {
        for (int i = 0; i + 1 < args.length; i += 2) {
            List<URL> urls = new ArrayList<>();
            for (String entry : args[i].split(File.pathSeparator)) {
                urls.add(new File(entry).toURI().toURL());
            }
            URLClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), platformLoader());
            Class<?> scenarios = Class.forName(NettyScenarios.class.getName(), true, loader);
            if (scenarios.getClassLoader() != loader) {
                throw new IllegalStateException("the scenario was not loaded from its own copy");
            }
            String jar = loader.loadClass("io.netty.channel.Channel").getProtectionDomain().getCodeSource()
                    .getLocation().getPath();
            System.out.println("RESULT copy " + (i / 2 + 1) + " " + jar.substring(jar.lastIndexOf('/') + 1));
            scenarios.getMethod("run", String[].class).invoke(null, (Object) args[i + 1].split(","));
        }
        System.exit(0);
    }

    /** The platform class loader (JDK 9 and later) or the extension class loader (JDK 8): no class path. */
    private static ClassLoader platformLoader() {
        return ClassLoader.getSystemClassLoader().getParent();
    }

    private TwoCopies() {
    }
}
