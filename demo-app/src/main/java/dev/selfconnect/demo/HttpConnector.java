package dev.selfconnect.demo;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/**
 * One HTTP/1.1 GET per attempt. HttpClient never shows its socket, so a self-connection is recognised by
 * what it does: the client reads back its own request and fails to parse it as a response, with an error
 * that quotes the request line. The unique path of the request makes that recognition certain.
 */
final class HttpConnector implements Connector {

    /**
     * Up to JDK 25, HttpClient's own connect retry reuses the channel that the failed connect has closed, so
     * every failed connect ends as ClosedChannelException and the real cause (the refusal, or whatever
     * else) is lost (JDK-8361249). Turning that retry off keeps the cause chain; -D on the command line wins.
     */
    static final String DISABLE_RETRY_CONNECT = "jdk.httpclient.disableRetryConnect";

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final String probePath = "/selfconnect-demo-probe-" + UUID.randomUUID();
    private final HttpClient client;

    HttpConnector() {
        if (System.getProperty(DISABLE_RETRY_CONNECT) == null) {
            System.setProperty(DISABLE_RETRY_CONNECT, "true");
        }
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
    }

    @Override
    public Connection connect(InetSocketAddress target) throws IOException {
        URI uri = URI.create("http://" + Addresses.format(target) + probePath);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build();
        try {
            HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
            return Connection.withoutAddresses(target, false,
                    "HttpClient does not show its socket's addresses; the peer answered HTTP " + response.statusCode());
        } catch (IOException e) {
            if (!(e instanceof ConnectException) && String.valueOf(e.getMessage()).contains(probePath)) {
                return Connection.withoutAddresses(target, true,
                        "HttpClient does not show its socket's addresses; it read back its own request: "
                                + ConnectFailures.describe(e));
            }
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while requesting " + uri);
        }
    }
}
