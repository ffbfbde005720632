package org.debian.bootc.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reads every manifest under {@code k8s/}: core kinds into fabric8's Kubernetes
 * model, the operators' kinds (Strimzi, CloudNativePG, KEDA) as trees, and checks
 * what a typo would break in a cluster without an error: topic names against
 * {@link Topics}, selectors against labels, probes against the services' health
 * endpoints, Secret, claim, database and broker references against what the files
 * define, and each architecture's executors, topic, consumer group and scaler.
 */
class KubernetesManifestsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String NAMESPACE = "deb-bootc-compose";
    private static final Map<String, Class<? extends HasMetadata>> CORE = Map.of(
            "Namespace", Namespace.class, "Deployment", Deployment.class, "Service", Service.class,
            "Secret", Secret.class, "PersistentVolumeClaim", PersistentVolumeClaim.class,
            "NetworkPolicy", NetworkPolicy.class);
    private static final Set<String> OPERATOR_KINDS = Set.of("kafka.strimzi.io/v1beta2 Kafka",
            "kafka.strimzi.io/v1beta2 KafkaNodePool", "kafka.strimzi.io/v1beta2 KafkaTopic",
            "postgresql.cnpg.io/v1 Cluster", "keda.sh/v1alpha1 ScaledObject");

    private static final List<HasMetadata> core = new ArrayList<>();
    private static final List<JsonNode> custom = new ArrayList<>();

    @BeforeAll
    static void read() throws IOException {
        Path dir = RepoFiles.root().resolve("k8s");
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no manifests in " + dir);
        for (Path file : files) {
            try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
                while (docs.hasNext()) {
                    JsonNode doc = docs.next();
                    if (doc == null || doc.isNull() || doc.isEmpty()) {
                        continue;
                    }
                    String kind = doc.path("kind").asText();
                    assertEquals(NAMESPACE, kind.equals("Namespace") ? doc.at("/metadata/name").asText()
                            : doc.at("/metadata/namespace").asText(), file + ": " + kind + " outside the namespace");
                    if (CORE.containsKey(kind)) {
                        core.add(YAML.convertValue(doc, CORE.get(kind)));
                    } else {
                        assertTrue(OPERATOR_KINDS.contains(doc.path("apiVersion").asText() + " " + kind),
                                file + ": unexpected " + doc.path("apiVersion").asText() + " " + kind);
                        custom.add(doc);
                    }
                }
            }
        }
    }

    private static <T extends HasMetadata> List<T> all(Class<T> type) {
        return core.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static List<JsonNode> custom(String kind) {
        return custom.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
    }

    private static Container container(Deployment d) {
        assertEquals(1, d.getSpec().getTemplate().getSpec().getContainers().size(), d.getMetadata().getName());
        return d.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static Optional<EnvVar> env(Deployment d, String name) {
        return container(d).getEnv().stream().filter(e -> e.getName().equals(name)).findFirst();
    }

    private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return labels.entrySet().containsAll(selector.entrySet());
    }

    /** The labels the pods of the farm carry: Deployments' templates and the operators' own labels. */
    private static List<Map<String, String>> podLabels() {
        List<Map<String, String>> pods = new ArrayList<>();
        all(Deployment.class).forEach(d -> pods.add(d.getSpec().getTemplate().getMetadata().getLabels()));
        custom("Kafka").forEach(k -> pods.add(Map.of("strimzi.io/cluster", k.at("/metadata/name").asText())));
        custom("Cluster").forEach(c -> pods.add(Map.of("cnpg.io/cluster", c.at("/metadata/name").asText())));
        return pods;
    }

    @Test
    void everyTopicOfTheContractIsAKafkaTopicAndNoOther() {
        List<String> names = custom("KafkaTopic").stream().map(t -> t.at("/spec/topicName").asText()).toList();
        assertEquals(new TreeSet<>(Topics.all()), new TreeSet<>(names));
        assertEquals(names.size(), new LinkedHashSet<>(names).size(), "a topic defined twice");
        String cluster = custom("Kafka").get(0).at("/metadata/name").asText();
        custom("KafkaTopic").forEach(t -> assertEquals(cluster, t.at("/metadata/labels/strimzi.io~1cluster").asText()));
        custom("KafkaNodePool").forEach(p -> assertEquals(cluster, p.at("/metadata/labels/strimzi.io~1cluster")
                .asText()));
    }

    @Test
    void everyServiceTalksToTheStrimziBootstrapService() {
        JsonNode kafka = custom("Kafka").get(0);
        int port = kafka.at("/spec/kafka/listeners/0/port").asInt();
        String bootstrap = kafka.at("/metadata/name").asText() + "-kafka-bootstrap:" + port;
        for (Deployment d : all(Deployment.class)) {
            assertEquals(bootstrap, env(d, "KAFKA_BOOTSTRAP_SERVERS").map(EnvVar::getValue).orElse(null),
                    d.getMetadata().getName());
        }
        custom("ScaledObject").forEach(s -> assertEquals(bootstrap,
                s.at("/spec/triggers/0/metadata/bootstrapServers").asText()));
    }

    @Test
    void selectorsMatchLabelsAndServicesReachAPort() {
        for (Deployment d : all(Deployment.class)) {
            LabelSelector selector = d.getSpec().getSelector();
            assertTrue(selects(selector.getMatchLabels(), d.getSpec().getTemplate().getMetadata().getLabels()),
                    d.getMetadata().getName() + ": its selector does not select its own pods");
        }
        for (Service s : all(Service.class)) {
            List<Deployment> backing = all(Deployment.class).stream().filter(d -> selects(s.getSpec().getSelector(),
                    d.getSpec().getTemplate().getMetadata().getLabels())).toList();
            assertEquals(1, backing.size(), "Service " + s.getMetadata().getName() + " selects " + backing.size());
            Set<String> ports = container(backing.get(0)).getPorts().stream().map(p -> p.getName())
                    .collect(Collectors.toSet());
            s.getSpec().getPorts().forEach(p -> assertTrue(ports.contains(p.getTargetPort().getStrVal()),
                    s.getMetadata().getName() + " targets " + p.getTargetPort()));
        }
        for (NetworkPolicy p : all(NetworkPolicy.class)) {
            LabelSelector selector = p.getSpec().getPodSelector();
            if (selector.getMatchLabels() == null && selector.getMatchExpressions() == null) {
                continue; // {}: every pod
            }
            boolean any = podLabels().stream().anyMatch(labels -> matches(selector, labels));
            assertTrue(any, "NetworkPolicy " + p.getMetadata().getName() + " selects no pod");
            p.getSpec().getIngress().forEach(rule -> rule.getFrom().forEach(peer -> assertTrue(
                    podLabels().stream().anyMatch(labels -> matches(peer.getPodSelector(), labels)),
                    "NetworkPolicy " + p.getMetadata().getName() + " admits no pod")));
        }
    }

    private static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector.getMatchLabels() != null && !selects(selector.getMatchLabels(), labels)) {
            return false;
        }
        if (selector.getMatchExpressions() != null) {
            for (var e : selector.getMatchExpressions()) {
                if (!e.getOperator().equals("In") || !e.getValues().contains(labels.get(e.getKey()))) {
                    return false;
                }
            }
        }
        return true;
    }

    @Test
    void probesPointAtTheServicesHealthEndpoints() throws IOException {
        for (Deployment d : all(Deployment.class)) {
            Container c = container(d);
            Set<String> ports = c.getPorts().stream().map(p -> p.getName()).collect(Collectors.toSet());
            Probe ready = c.getReadinessProbe();
            Probe live = c.getLivenessProbe();
            assertNotNull(ready, d.getMetadata().getName());
            assertEquals("/q/health/ready", ready.getHttpGet().getPath());
            assertEquals("/q/health/live", live.getHttpGet().getPath());
            assertTrue(ports.contains(ready.getHttpGet().getPort().getStrVal()), d.getMetadata().getName());
            assertEquals("8080", env(d, "QUARKUS_HTTP_PORT").map(EnvVar::getValue).orElse(null));
            assertEquals(8080, c.getPorts().get(0).getContainerPort());
            String module = d.getMetadata().getLabels().get("app.kubernetes.io/component");
            String pom = Files.readString(RepoFiles.root().resolve(module).resolve("pom.xml"));
            assertTrue(pom.contains("<artifactId>quarkus-smallrye-health</artifactId>"),
                    module + " serves no /q/health endpoints");
        }
    }

    @Test
    void secretsClaimsAndDatabasesThatAreReferencedExist() {
        Map<String, Set<String>> secrets = new HashMap<>();
        all(Secret.class).forEach(s -> secrets.put(s.getMetadata().getName(), s.getStringData().keySet()));
        Map<String, String> databases = new HashMap<>();
        custom("Cluster").forEach(c -> {
            secrets.put(c.at("/metadata/name").asText() + "-app", Set.of("username", "password"));
            databases.put(c.at("/metadata/name").asText() + "-rw", c.at("/spec/bootstrap/initdb/database").asText());
        });
        Set<String> claims = all(PersistentVolumeClaim.class).stream().map(c -> c.getMetadata().getName())
                .collect(Collectors.toSet());
        for (Deployment d : all(Deployment.class)) {
            String name = d.getMetadata().getName();
            for (EnvVar e : container(d).getEnv()) {
                if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                    var ref = e.getValueFrom().getSecretKeyRef();
                    assertTrue(secrets.getOrDefault(ref.getName(), Set.of()).contains(ref.getKey()),
                            name + ": " + e.getName() + " reads " + ref.getName() + "/" + ref.getKey());
                }
            }
            env(d, "POSTGRES_HOST").ifPresent(host -> {
                assertTrue(databases.containsKey(host.getValue()), name + ": no database cluster " + host.getValue());
                assertEquals(databases.get(host.getValue()), env(d, "POSTGRES_DB").orElseThrow().getValue(), name);
            });
            for (Volume v : Optional.ofNullable(d.getSpec().getTemplate().getSpec().getVolumes()).orElse(List.of())) {
                if (v.getPersistentVolumeClaim() != null) {
                    assertTrue(claims.contains(v.getPersistentVolumeClaim().getClaimName()), name + ": " + v.getName());
                }
                if (v.getSecret() != null) {
                    assertTrue(secrets.containsKey(v.getSecret().getSecretName()), name + ": " + v.getName());
                }
            }
        }
    }

    @Test
    void eachArchitectureHasItsExecutorsOnItsNodesScaledOnItsTopicsLag() throws IOException {
        String properties = Files.readString(RepoFiles.root().resolve(
                "chroot-executor/src/main/resources/application.properties"));
        assertTrue(properties.contains("group.id=chroot-executor.${bootc.executor.architecture}"),
                "the executor's consumer group is chroot-executor.<arch>");
        Map<String, Integer> partitions = new HashMap<>();
        custom("KafkaTopic").forEach(t -> partitions.put(t.at("/spec/topicName").asText(),
                t.at("/spec/partitions").asInt()));
        Set<String> served = new TreeSet<>();
        for (Deployment d : all(Deployment.class)) {
            if (!"chroot-executor".equals(d.getMetadata().getLabels().get("app.kubernetes.io/component"))) {
                continue;
            }
            String arch = env(d, "BOOTC_EXECUTOR_ARCHITECTURE").orElseThrow().getValue();
            served.add(arch);
            assertEquals(Map.of("kubernetes.io/arch", arch), d.getSpec().getTemplate().getSpec().getNodeSelector());
            JsonNode scaler = custom("ScaledObject").stream()
                    .filter(s -> s.at("/spec/scaleTargetRef/name").asText().equals(d.getMetadata().getName()))
                    .findFirst().orElseThrow(() -> new AssertionError("no ScaledObject for " + d.getMetadata().getName()));
            JsonNode trigger = scaler.at("/spec/triggers/0");
            assertEquals("kafka", trigger.path("type").asText());
            assertEquals(Topics.buildTasks(arch), trigger.at("/metadata/topic").asText());
            assertEquals("chroot-executor." + arch, trigger.at("/metadata/consumerGroup").asText());
            assertTrue(scaler.at("/spec/maxReplicaCount").asInt() <= partitions.get(Topics.buildTasks(arch)),
                    "more executors than partitions of " + Topics.buildTasks(arch));
            assertTrue(scaler.at("/spec/minReplicaCount").asInt() >= 1,
                    "the scheduler dispatches only to an architecture whose executor heartbeats");
            var security = container(d).getSecurityContext();
            assertTrue(security.getPrivileged() == null || !security.getPrivileged(), "no privileged executor");
        }
        assertEquals(new TreeSet<>(Topics.SUPPORTED_ARCHITECTURES), served);
    }
}
