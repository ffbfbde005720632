package org.debian.bootc.planner.archive;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;

/** Serves a directory over HTTP on loopback, under {@code /debian/}, and counts the requests. */
final class FixtureServer implements AutoCloseable {

    private final HttpServer server;
    private final Path root;
    final List<String> requests = new CopyOnWriteArrayList<>();

    FixtureServer(Path root) throws IOException {
        this.root = root;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/debian/", exchange -> {
            String path = exchange.getRequestURI().getPath().substring("/debian/".length());
            requests.add(path);
            Path file = root.resolve(path).normalize();
            try (exchange) {
                if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                byte[] body = Files.readAllBytes(file);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
    }

    URI uri() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort()
                + "/debian");
    }

    Path root() {
        return root;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
