package org.debian.bootc.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A directory served read-only over plain HTTP on loopback, as a web server serves an
 * archive-mode OSTree repository to machines that pull from it. QEMU's user-mode network
 * takes the guest's connections to 10.0.2.2 to the host's loopback.
 */
final class StaticFiles implements AutoCloseable {

    private final HttpServer server;

    private StaticFiles(HttpServer server) {
        this.server = server;
    }

    static StaticFiles serve(Path root) throws IOException {
        Path base = root.toAbsolutePath().normalize();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> answer(exchange, base));
        server.start();
        return new StaticFiles(server);
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, Path base) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            Path file = base.resolve(exchange.getRequestURI().getPath().replaceFirst("^/+", "")).normalize();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.sendResponseHeaders(405, -1);
            } else if (!file.startsWith(base) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                long size = Files.size(file);
                exchange.sendResponseHeaders(200, method.equals("HEAD") ? -1 : size == 0 ? -1 : size);
                if (method.equals("GET") && size > 0) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        Files.copy(file, out);
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
