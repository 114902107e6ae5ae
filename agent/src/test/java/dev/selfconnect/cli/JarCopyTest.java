package dev.selfconnect.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JarCopyTest {

    @Test
    void aPathIsTakenApartIntoItsComponents() throws IOException {
        assertEquals(List.of("var", "tmp", "app"), JarCopy.components("/var//tmp/app/"));
        assertEquals(List.of(), JarCopy.components("/"));
    }

    @Test
    void aComponentThatWouldLeaveTheTargetsRootIsRefused() {
        assertThrows(IOException.class, () -> JarCopy.components("/tmp/../../etc"));
        assertThrows(IOException.class, () -> JarCopy.components("/tmp/./x"));
        assertThrows(IOException.class, () -> JarCopy.components("tmp"));
    }
}
