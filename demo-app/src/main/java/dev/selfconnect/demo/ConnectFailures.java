package dev.selfconnect.demo;

import java.net.ConnectException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Tells a plain "Connection refused" (nothing listens yet: try again) from any other failed connect.
 * The class is checked, not only the message: a subclass of ConnectException whose message also
 * starts with "Connection refused" is something else and must stop the retry loop.
 */
final class ConnectFailures {

    /** What JDKs say for ECONNREFUSED: today's Linux JDKs, Windows JDKs, and JDK 11's PlainSocketImpl. */
    private static final Set<String> REFUSED_MESSAGES =
            Set.of("Connection refused", "Connection refused: connect", "Connection refused (Connection refused)");

    private ConnectFailures() {
    }

    /**
     * True when every ConnectException in the cause chain is exactly java.net.ConnectException (wrappers
     * such as HttpClient's carry no message of their own) and the innermost one says "Connection refused".
     */
    static boolean isPlainRefusal(Throwable failure) {
        List<ConnectException> chain = connectExceptions(failure);
        return !chain.isEmpty()
                && chain.stream().allMatch(e -> e.getClass() == ConnectException.class)
                && REFUSED_MESSAGES.contains(String.valueOf(chain.get(chain.size() - 1).getMessage()));
    }

    /**
     * The ConnectException to report when a failure is not a plain refusal: the innermost one of a
     * subclass if there is one, else the innermost one. Empty for a plain refusal or no ConnectException.
     */
    static Optional<ConnectException> rejection(Throwable failure) {
        List<ConnectException> chain = connectExceptions(failure);
        if (chain.isEmpty() || isPlainRefusal(failure)) {
            return Optional.empty();
        }
        ConnectException innermost = chain.get(chain.size() - 1);
        for (ConnectException e : chain) {
            if (e.getClass() != ConnectException.class) {
                innermost = e;
            }
        }
        return Optional.of(innermost);
    }

    static String describe(Throwable failure) {
        return failure.getClass().getName() + ": " + failure.getMessage();
    }

    /** The ConnectExceptions of the cause chain, outermost first. */
    private static List<ConnectException> connectExceptions(Throwable failure) {
        List<ConnectException> found = new ArrayList<>();
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure; t != null && seen.put(t, true) == null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                found.add((ConnectException) t);
            }
        }
        return found;
    }
}
