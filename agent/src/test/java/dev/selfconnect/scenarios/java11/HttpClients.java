package dev.selfconnect.scenarios.java11;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The java.net.http part of the scenarios: Java 11 and later. */
public final class HttpClients {

    private HttpClients() {
    }

    public static int get(String uri) throws Exception {
        HttpClient client = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(2)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
