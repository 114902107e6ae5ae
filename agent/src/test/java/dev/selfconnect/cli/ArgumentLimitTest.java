package dev.selfconnect.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArgumentLimitTest {

    private static final String JAR = "/opt/selfconnect/selfconnect.jar";

    private static String requestOf(int totalBytes) {
        return "x".repeat(totalBytes - JAR.length() - 1);
    }

    @Test
    void upToTheLimitTheRequestGoes() {
        assertDoesNotThrow(() -> ArgumentLimit.check("42", JAR, requestOf(ArgumentLimit.HOTSPOT_ARGUMENT_BYTES), 17));
    }

    @Test
    void onePastTheLimitIsRefusedInOneLineThatSaysWhatToDo() {
        CliException e = assertThrows(CliException.class, () -> ArgumentLimit.check("42", JAR,
                requestOf(ArgumentLimit.HOTSPOT_ARGUMENT_BYTES + 1), 17));
        String message = e.getMessage();
        assertTrue(!message.contains("\n") && message.contains("1025 bytes") && message.contains("at most 1024")
                && message.contains("ignore=@FILE") && message.contains("-Dselfconnect.ignore="), message);
    }

    @Test
    void bytesAreCountedNotCharacters() {
        String request = "ü".repeat(600);
        assertThrows(CliException.class, () -> ArgumentLimit.check("42", JAR, request, 17));
    }

    @Test
    void anOldTargetIsLimitedWhateverTheToolRuns() {
        assertThrows(CliException.class, () -> ArgumentLimit.check("42", JAR, requestOf(2400), 21));
    }
}
