package dev.selfconnect.testsupport;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * A class whose {@code @BeforeAll} finds something missing (a JDK, {@code unshare -rn}: {@link Preconditions}) would
 * otherwise vanish from the counts ("Tests run: 0"): here that abort is kept as the class's reason and each of its
 * tests is skipped with it, so that JUnit and the build's summary count them. Registered by service loading where
 * {@code junit.jupiter.extensions.autodetection.enabled} is true. Failures (CI=true) pass through unchanged.
 */
public final class ClassSetupSkips implements LifecycleMethodExecutionExceptionHandler, ExecutionCondition {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ClassSetupSkips.class);
    private static final String REASON = "reason";

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        if (!(throwable instanceof TestAbortedException)) {
            throw throwable;
        }
        context.getStore(NAMESPACE).put(REASON, throwable.getMessage());
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String reason = context.getStore(NAMESPACE).get(REASON, String.class);
        return reason == null ? ConditionEvaluationResult.enabled("the class's set-up found what it needs")
                : ConditionEvaluationResult.disabled(reason);
    }
}
