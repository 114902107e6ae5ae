package dev.selfconnect.instrumentation;

import dev.selfconnect.reporting.AgentLog;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.VisibilityBridgeStrategy;
import net.bytebuddy.dynamic.scaffold.InstrumentedType;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.matcher.LatentMatcher;
import net.bytebuddy.pool.TypePool;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.Map;

/**
 * Weaves the advice into the few JDK classes where connects complete, and into nothing else: a class is matched by
 * its name in a small map before any Byte Buddy type is touched. The class format never changes (no new members),
 * so the same transformation works when a class is first loaded and when it is retransformed.
 */
final class ConnectTransformer implements ClassFileTransformer {

    private final Map<String, AsmVisitorWrapper> adviceByInternalName;
    private final ByteBuddy byteBuddy = new ByteBuddy()
            .with(TypeValidation.DISABLED)
            .with(Implementation.Context.Disabled.Factory.INSTANCE)
            .with(InstrumentedType.Factory.Default.FROZEN)
            .with(VisibilityBridgeStrategy.Default.NEVER)
            .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE);
    private final ClassFileLocator jdkClassFiles = ClassFileLocator.ForClassLoader.ofBootLoader();

    ConnectTransformer(Map<String, AsmVisitorWrapper> adviceByInternalName) {
        this.adviceByInternalName = adviceByInternalName;
    }

    boolean targets(String internalName) {
        return adviceByInternalName.containsKey(internalName);
    }

    @Override
    public byte[] transform(ClassLoader loader, String internalName, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classFile) {
        if (loader != null || internalName == null) {
            return null;
        }
        AsmVisitorWrapper advice = adviceByInternalName.get(internalName);
        if (advice == null) {
            return null;
        }
        try {
            String name = internalName.replace('/', '.');
            ClassFileLocator classFiles = new ClassFileLocator.Compound(
                    ClassFileLocator.Simple.of(name, classFile), jdkClassFiles);
            TypePool types = TypePool.Default.WithLazyResolution.of(classFiles);
            TypeDescription type = types.describe(name).resolve();
            return byteBuddy.redefine(type, classFiles)
                    .ignoreAlso(LatentMatcher.ForSelfDeclaredMethod.NOT_DECLARED)
                    .visit(advice)
                    .make(types)
                    .getBytes();
        } catch (Throwable failure) {
            AgentLog.internalFailure("instrumenting " + internalName + " (its connects are not checked)", failure);
            return null;
        }
    }
}
