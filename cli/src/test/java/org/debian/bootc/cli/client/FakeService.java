package org.debian.bootc.cli.client;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A small HTTP server that answers as a service's documented REST API would, for unit
 * tests of the CLI's clients (the services' own ITs test the services). Answers are set
 * per "METHOD /path" (the query string is passed to the answer).
 */
public final class FakeService implements AutoCloseable {

    /** A request as received. */
    public record Request(String method, String path, String query, Map<String, List<String>> headers, String body) {

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    /** An answer. */
    public record Answer(int status, String contentType, String body, Map<String, String> headers) {

        public static Answer json(int status, String body) {
            return new Answer(status, status >= 400 && body.contains("\"type\"") ? "application/problem+json"
                    : "application/json", body, Map.of());
        }

        public static Answer text(int status, String body, Map<String, String> headers) {
            return new Answer(status, "text/plain", body, headers);
        }
    }

    private final HttpServer server;
    private final Map<String, Function<Request, Answer>> answers = new ConcurrentHashMap<>();
    public final List<Request> requests = new CopyOnWriteArrayList<>();

    public FakeService() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public FakeService on(String methodAndPath, Function<Request, Answer> answer) {
        answers.put(methodAndPath, answer);
        return this;
    }

    public FakeService on(String methodAndPath, Answer answer) {
        return on(methodAndPath, r -> answer);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                exchange.getRequestURI().getRawQuery(), Map.copyOf(exchange.getRequestHeaders()), body);
        requests.add(request);
        Function<Request, Answer> f = answers.get(request.method() + " " + request.path());
        Answer a = f == null ? Answer.text(404, "no route " + request.method() + " " + request.path(), Map.of())
                : f.apply(request);
        byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", a.contentType());
        a.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.sendResponseHeaders(a.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
