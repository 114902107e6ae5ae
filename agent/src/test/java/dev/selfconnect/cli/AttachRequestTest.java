package dev.selfconnect.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AttachRequestTest {

    @Test
    void aCommandWithoutSettings() {
        assertEquals("command=status,reply=/tmp/selfconnect-reply-1.txt",
                AttachRequest.format("status", "/tmp/selfconnect-reply-1.txt", false, ""));
    }

    @Test
    void settingsFollowTheProtocolsPieces() {
        assertEquals("command=attach,reply=/tmp/r.txt,mode=throw,ignore=8080,9090",
                AttachRequest.format("attach", "/tmp/r.txt", false, "mode=throw,ignore=8080,9090"));
    }

    @Test
    void aResetComesBeforeTheSettings() {
        assertEquals("command=attach,reply=/tmp/r.txt,reset=true,stack-traces=false",
                AttachRequest.format("attach", "/tmp/r.txt", true, "stack-traces=false"));
        assertEquals("command=attach,reply=/tmp/r.txt,reset=true", AttachRequest.format("attach", "/tmp/r.txt", true,
                ""));
    }
}
