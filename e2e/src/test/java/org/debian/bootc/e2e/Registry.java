package org.debian.bootc.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

/** Debian's docker-registry on a free port of 127.0.0.1, storing under a directory of the test's. */
final class Registry implements AutoCloseable {

    private final Process process;
    private final int port;

    private Registry(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static Registry start(Path dir) throws Exception {
        Files.createDirectories(dir);
        int port = Host.freePort();
        Path config = dir.resolve("registry.yml");
        Files.writeString(config, "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: "
                + dir.resolve("registry-storage") + "\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:"
                + port + "\n");
        Path log = dir.resolve("registry.log");
        Process process = new ProcessBuilder("docker-registry", "serve", config.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        Registry registry = new Registry(process, port);
        for (int i = 0; i < 100; i++) {
            if (registry.status("/v2/") == 200) {
                return registry;
            }
            Thread.sleep(200);
        }
        registry.close();
        return fail("docker-registry did not answer on " + port + ": " + Files.readString(log));
    }

    int port() {
        return port;
    }

    /** The HTTP status of a GET of {@code path}, or -1 when nothing answers. */
    int status(String path) throws InterruptedException {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Accept", "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json,"
                    + " application/vnd.docker.distribution.manifest.v2+json").build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException notListening) {
            return -1;
        }
    }

    @Override
    public void close() {
        process.destroy();
    }
}
