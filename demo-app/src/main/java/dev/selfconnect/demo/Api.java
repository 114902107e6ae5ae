package dev.selfconnect.demo;

import java.io.IOException;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The JDK networking APIs the demo can connect with (--api). */
enum Api {
    SOCKET("blocking java.net.Socket"),
    CHANNEL("blocking java.nio.channels.SocketChannel"),
    NIO("non-blocking SocketChannel with a Selector and finishConnect"),
    ASYNC("java.nio.channels.AsynchronousSocketChannel"),
    HTTP("java.net.http.HttpClient, HTTP/1.1 GET");

    final String description;

    Api(String description) {
        this.description = description;
    }

    String cliName() {
        return name().toLowerCase();
    }

    static Api named(String name) throws UsageException {
        for (Api api : values()) {
            if (api.cliName().equals(name)) {
                return api;
            }
        }
        throw new UsageException("unknown --api " + name + "; use one of " + names());
    }

    static String names() {
        return Arrays.stream(values()).map(Api::cliName).collect(Collectors.joining("|"));
    }

    Connector open() throws IOException {
        return switch (this) {
            case SOCKET -> new SocketConnector();
            case CHANNEL -> new ChannelConnector();
            case NIO -> new NioConnector();
            case ASYNC -> new AsyncConnector();
            case HTTP -> new HttpConnector();
        };
    }
}
