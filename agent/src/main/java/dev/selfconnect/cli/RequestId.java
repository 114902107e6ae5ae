package dev.selfconnect.cli;

import java.security.SecureRandom;

/** A fresh id for each load, which the agent's reply must carry: an answer left by an earlier request is not taken. */
final class RequestId {

    private static final int BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private RequestId() {
    }

    static String fresh() {
        byte[] bytes = new byte[BYTES];
        RANDOM.nextBytes(bytes);
        StringBuilder hex = new StringBuilder();
        for (byte b : bytes) {
            hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return hex.toString();
    }
}
