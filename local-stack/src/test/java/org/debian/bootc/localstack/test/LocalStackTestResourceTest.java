package org.debian.bootc.localstack.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.debian.bootc.localstack.EmbeddedKafka;
import org.debian.bootc.localstack.EmbeddedPostgresServer;
import org.junit.jupiter.api.Test;

class LocalStackTestResourceTest {

    @Test
    void startsOneStackPerJvmAndReturnsTheQuarkusConfig() throws Exception {
        LocalStackTestResource resource = new LocalStackTestResource();
        resource.init(Map.of(LocalStackTestResource.TOPICS, "compose-requested, task-status"));
        Map<String, String> config = resource.start();

        EmbeddedKafka kafka = LocalStackTestResource.kafka();
        EmbeddedPostgresServer pg = LocalStackTestResource.postgres();
        assertEquals(Set.of("kafka.bootstrap.servers", "mp.messaging.connector.smallrye-kafka.bootstrap.servers",
                "quarkus.datasource.reactive.url", "quarkus.datasource.jdbc.url", "quarkus.datasource.username",
                "quarkus.datasource.password"), config.keySet());
        assertEquals(kafka.bootstrapServers(), config.get("kafka.bootstrap.servers"));
        assertEquals(kafka.bootstrapServers(), config.get("mp.messaging.connector.smallrye-kafka.bootstrap.servers"));
        assertEquals("postgresql://localhost:" + pg.port() + "/bootc", config.get("quarkus.datasource.reactive.url"));
        assertEquals("jdbc:postgresql://localhost:" + pg.port() + "/bootc", config.get("quarkus.datasource.jdbc.url"));
        assertEquals("postgres", config.get("quarkus.datasource.username"));

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            assertEquals(3, admin.describeTopics(List.of("task-status")).allTopicNames().get(20, TimeUnit.SECONDS)
                    .get("task-status").partitions().size());
        }
        try (Connection c = pg.connect("bootc"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT current_database()")) {
            assertTrue(rs.next());
            assertEquals("bootc", rs.getString(1));
        }

        // A second resource (another test class, another profile): same servers, its topics added.
        LocalStackTestResource other = new LocalStackTestResource();
        other.init(Map.of(LocalStackTestResource.TOPICS, "compose-status", LocalStackTestResource.DATASOURCE, "reactive"));
        Map<String, String> otherConfig = other.start();
        assertEquals(config.get("kafka.bootstrap.servers"), otherConfig.get("kafka.bootstrap.servers"));
        assertTrue(!otherConfig.containsKey("quarkus.datasource.jdbc.url"));
        other.stop(); // a no-op: the stack stays
        assertSame(kafka, LocalStackTestResource.kafka());
        assertTrue(kafka.isRunning());

        // stack.env next to the data
        Properties env = new Properties();
        try (var in = Files.newInputStream(kafka.dataDir().getParent().resolve("stack.env"))) {
            env.load(in);
        }
        assertEquals(kafka.bootstrapServers(), env.getProperty("KAFKA_BOOTSTRAP_SERVERS"));
        assertEquals(pg.jdbcUrl("bootc"), env.getProperty("POSTGRES_JDBC_URL_BOOTC"));
        assertEquals(Integer.toString(pg.port()), env.getProperty("POSTGRES_PORT"));
    }

    /** What Quarkus does: load the resource class in another class loader per application. */
    @Test
    void sharesTheStackWithCopiesOfTheClassesInOtherClassLoaders() throws Exception {
        String bootstrap = LocalStackTestResource.kafka().bootstrapServers();
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            urls.add(Path.of(entry).toUri().toURL());
        }
        try (URLClassLoader isolated = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            Class<?> resourceClass = isolated.loadClass(LocalStackTestResource.class.getName());
            assertNotSame(LocalStackTestResource.class, resourceClass);
            Object resource = resourceClass.getConstructor().newInstance();
            resourceClass.getMethod("init", Map.class).invoke(resource, Map.of(LocalStackTestResource.TOPICS, "from-other-loader"));
            @SuppressWarnings("unchecked")
            Map<String, String> config = (Map<String, String>) resourceClass.getMethod("start").invoke(resource);
            assertEquals(bootstrap, config.get("kafka.bootstrap.servers"));

            Object attached = resourceClass.getMethod("kafka").invoke(null);
            assertEquals(isolated, attached.getClass().getClassLoader());
            assertEquals(bootstrap, attached.getClass().getMethod("bootstrapServers").invoke(attached));
            assertEquals(Boolean.TRUE, attached.getClass().getMethod("isRunning").invoke(attached));
            Object pg = resourceClass.getMethod("postgres").invoke(null);
            pg.getClass().getMethod("createDatabase", String.class).invoke(pg, "from_other_loader");
        }
        try (Connection c = LocalStackTestResource.postgres().connect("from_other_loader")) {
            assertTrue(c.isValid(5));
        }
        try (TopicProbe probe = new TopicProbe(bootstrap, "from-other-loader")) {
            TopicProbe.produce(bootstrap, "from-other-loader", "k", Map.of(), new byte[] {42});
            assertEquals(42, probe.await(r -> "k".equals(r.key()), Duration.ofSeconds(20)).value()[0]);
        }
    }
}
