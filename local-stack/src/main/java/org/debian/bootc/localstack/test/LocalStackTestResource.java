package org.debian.bootc.localstack.test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;

import org.debian.bootc.localstack.EmbeddedKafka;
import org.debian.bootc.localstack.EmbeddedPostgresServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A global Quarkus test resource: one real Kafka broker and one real PostgreSQL server for the whole test
 * JVM, on free ports, with data in a temp directory.
 *
 * <p>Declare it once, on any one test class of the module (Quarkus 3.33 applies a {@code GLOBAL} resource to
 * every {@code @QuarkusTest} of the module, whichever class carries the annotation):
 *
 * <pre>{@code
 * import io.quarkus.test.common.ResourceArg;
 * import io.quarkus.test.common.TestResourceScope;
 * import io.quarkus.test.common.WithTestResource;
 *
 * @QuarkusTest
 * @WithTestResource(value = LocalStackTestResource.class, scope = TestResourceScope.GLOBAL,
 *         initArgs = @ResourceArg(name = LocalStackTestResource.TOPICS, value = "compose-requested,compose-status"))
 * class ComposeRequestedTest { ... }
 * }</pre>
 *
 * <p>The service must also set {@code %test.quarkus.devservices.enabled=false} in its
 * {@code application.properties}: Quarkus 3.33 builds the test application (Dev Services included) while
 * JUnit discovers the classes, before this resource has returned its URLs, and the datasource Dev Service
 * then fails the build for want of Docker.
 *
 * <p>The legacy spelling {@code @QuarkusTestResource(LocalStackTestResource.class)} (its
 * {@code restrictToAnnotatedClass} defaults to false) is equivalent. Use the same init args on every class
 * that repeats the annotation: Quarkus compares resources by class and args, and a difference means another
 * Quarkus application (the stack is still shared, see below).
 *
 * <p>Init args: {@value #TOPICS} (comma-separated, created with {@value #PARTITIONS} partitions, default 3),
 * {@value #DATABASE} (default {@code bootc}), {@value #DATASOURCE}: which datasource keys to return,
 * {@code both} (default), {@code reactive}, {@code jdbc} or {@code none} (a service without that Quarkus
 * extension would otherwise log "Unrecognized configuration key").
 *
 * <p>Returned config: {@code kafka.bootstrap.servers}, {@code mp.messaging.connector.smallrye-kafka.bootstrap.servers},
 * {@code quarkus.datasource.reactive.url} ({@code postgresql://localhost:<port>/bootc}),
 * {@code quarkus.datasource.jdbc.url} ({@code jdbc:postgresql://localhost:<port>/bootc}),
 * {@code quarkus.datasource.username}, {@code quarkus.datasource.password}.
 *
 * <p>Lifetime: started on the first {@link #start()} of the JVM and never stopped by Quarkus ({@link #stop()}
 * does nothing), not even when Quarkus restarts for another test profile: each Quarkus application loads
 * this class in its own class loader, so the servers live in a holder ({@link SharedStack}) loaded by the
 * system class loader and are stopped by a JVM shutdown hook. Tests reach them through {@link #kafka()} and
 * {@link #postgres()} (e.g. {@code kafka().restart()} in a fault test).
 */
public class LocalStackTestResource implements QuarkusTestResourceLifecycleManager {

    /** Init arg: comma-separated topics to create. */
    public static final String TOPICS = "topics";
    /** Init arg: partitions of those topics (default 3). */
    public static final String PARTITIONS = "partitions";
    /** Init arg: the database to create and point the datasource at (default {@code bootc}). */
    public static final String DATABASE = "database";
    /** Init arg: {@code both} (default), {@code reactive}, {@code jdbc} or {@code none}. */
    public static final String DATASOURCE = "datasource";

    private String topics = "";
    private int partitions = 3;
    private String database = "bootc";
    private String datasource = "both";

    @Override
    public void init(Map<String, String> initArgs) {
        topics = initArgs.getOrDefault(TOPICS, "");
        partitions = Integer.parseInt(initArgs.getOrDefault(PARTITIONS, "3").trim());
        database = initArgs.getOrDefault(DATABASE, "bootc").trim();
        datasource = initArgs.getOrDefault(DATASOURCE, "both").trim();
        if (!datasource.matches("both|reactive|jdbc|none")) {
            throw new IllegalArgumentException(DATASOURCE + " must be both, reactive, jdbc or none: " + datasource);
        }
    }

    @Override
    public Map<String, String> start() {
        acquire(topics, partitions, database);
        EmbeddedKafka kafka = kafka();
        EmbeddedPostgresServer pg = postgres();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        config.put("mp.messaging.connector.smallrye-kafka.bootstrap.servers", kafka.bootstrapServers());
        if (datasource.equals("both") || datasource.equals("reactive")) {
            config.put("quarkus.datasource.reactive.url", pg.reactiveUrl(database));
        }
        if (datasource.equals("both") || datasource.equals("jdbc")) {
            config.put("quarkus.datasource.jdbc.url", pg.jdbcUrl(database));
        }
        if (!datasource.equals("none")) {
            config.put("quarkus.datasource.username", pg.username());
            config.put("quarkus.datasource.password", pg.password());
        }
        return config;
    }

    /** Does nothing: the stack outlives every Quarkus application of the JVM. */
    @Override
    public void stop() {
    }

    /** The JVM's broker (started without topics or databases if no resource started it yet). */
    public static EmbeddedKafka kafka() {
        Map<String, Object> handles = acquire("", 3, null);
        if (sharedClass() == SharedStack.class) {
            return SharedStack.kafka();
        }
        return EmbeddedKafka.attach(handle(handles, "kafka"));
    }

    /** The JVM's PostgreSQL server (started like {@link #kafka()} if needed). */
    public static EmbeddedPostgresServer postgres() {
        Map<String, Object> handles = acquire("", 3, null);
        if (sharedClass() == SharedStack.class) {
            return SharedStack.postgres();
        }
        return EmbeddedPostgresServer.attach(handle(handles, "postgres"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> handle(Map<String, Object> handles, String key) {
        return (Map<String, ?>) handles.get(key);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> acquire(String topics, int partitions, String database) {
        Class<?> shared = sharedClass();
        if (shared == SharedStack.class) {
            return SharedStack.acquire(topics, partitions, database);
        }
        try {
            Method m = shared.getMethod("acquire", String.class, int.class, String.class);
            return (Map<String, Object>) m.invoke(null, topics, partitions, database);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot reach " + shared + " in " + shared.getClassLoader(), e);
        }
    }

    /** {@link SharedStack} as loaded by the system class loader, or ours when that one cannot see it. */
    private static Class<?> sharedClass() {
        try {
            return Class.forName(SharedStack.class.getName(), true, ClassLoader.getSystemClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return SharedStack.class;
        }
    }
}
