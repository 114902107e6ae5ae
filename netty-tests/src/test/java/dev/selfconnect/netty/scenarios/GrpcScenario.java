package dev.selfconnect.netty.scenarios;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A real gRPC unary call through grpc-netty-shaded (its relocated Netty picks epoll on Linux) to 127.0.0.1:40000,
 * where nothing listens: {@code RESULT status=CODE description}. With the argument {@code late}, gRPC loads once the
 * agent's startup is over; with {@code wait}, the JVM then prints {@code READY pid=PID} and runs until its input
 * says {@code quit} or ends.
 */
public final class GrpcScenario {

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("late")) {
            AgentStartup.await();
        }
        System.out.println("RESULT epoll available="
                + io.grpc.netty.shaded.io.netty.channel.epoll.Epoll.isAvailable());
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", NettyScenarios.PORT).usePlaintext()
                .build();
        try {
            String reply = ClientCalls.blockingUnaryCall(channel, METHOD,
                    CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS), "hello");
            System.out.println("RESULT reply " + reply);
        } catch (StatusRuntimeException e) {
            System.out.println("RESULT status=" + e.getStatus().getCode() + " " + e.getStatus().getDescription()
                    + " cause=" + e.getStatus().getCause());
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        if (args.length > 0 && args[0].equals("wait")) {
            String jvm = ManagementFactory.getRuntimeMXBean().getName();
            System.out.println("READY pid=" + jvm.substring(0, jvm.indexOf('@')));
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null && !line.equals("quit"); ) {
                // waits
            }
        }
        System.exit(0);
    }

    private static final MethodDescriptor.Marshaller<String> TEXT = new MethodDescriptor.Marshaller<String>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try (InputStream in = stream) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                byte[] buffer = new byte[4096];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    bytes.write(buffer, 0, n);
                }
                return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private static final MethodDescriptor<String, String> METHOD = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("selfconnect.Echo/Say")
            .setRequestMarshaller(TEXT).setResponseMarshaller(TEXT).build();

    private GrpcScenario() {
    }
}
