package org.debian.bootc.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The disk fields added to v1: {@code disk} of an image target and {@code disks} of
 * image-committed. Optional both ways: an event without them (an older producer's)
 * still decodes, and an event with them decodes to the same record.
 */
class DiskContractTest {

    private static final EventCodec CODEC = new EventCodec();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant TIME = Instant.parse("2025-01-31T12:00:00Z");

    private static ComposePlan planWithoutDisk() {
        ImageTarget t = Samples.plan().images().get(0);
        return new ComposePlan("bookworm", Samples.ARCHIVE, Samples.SHA_A, null,
                List.of(new ImageTarget(t.architecture(), t.ostreeRef(), t.imageRepository(), t.imageTag(), t.labels(),
                        t.packages())),
                List.of());
    }

    private static <E extends Event> E roundTrip(EventType<E> type, Event event) throws Exception {
        OutgoingEvent out = CODEC.encode(event, "/test", "id-1", TIME);
        return CODEC.decode(type, out.headers(), out.payload()).payload();
    }

    private static ObjectNode payload(Event event) throws Exception {
        return (ObjectNode) JSON.readTree(CODEC.encode(event, "/test", "id-1", TIME).payload());
    }

    private static <E extends Event> E decode(EventType<E> type, JsonNode payload) throws Exception {
        Map<String, String> headers = Map.of(CloudEventHeaders.SPECVERSION, "1.0", CloudEventHeaders.ID, "id-1",
                CloudEventHeaders.TYPE, type.ceType(), CloudEventHeaders.SOURCE, "/test");
        return CODEC.decode(type, headers, JSON.writeValueAsBytes(payload)).payload();
    }

    // --- image target -------------------------------------------------------------

    @Test
    void targetWithDiskRoundTripsThroughTheCanonicalConstructor() throws Exception {
        ComposePlanned planned = Samples.composePlanned();
        ComposePlanned back = roundTrip(EventType.COMPOSE_PLANNED, planned);

        assertEquals(planned, back);
        assertEquals(new DiskSpec(List.of("raw", "qcow2"), 4_294_967_296L, List.of("console=ttyS0,115200n8")),
                back.plan().images().get(0).disk());
        JsonNode disk = payload(planned).at("/plan/images/0/disk");
        assertEquals(JSON.readTree("{\"formats\":[\"raw\",\"qcow2\"],\"sizeBytes\":4294967296,"
                + "\"kargs\":[\"console=ttyS0,115200n8\"]}"), disk);
    }

    @Test
    void targetWithoutDiskOmitsItAndRoundTrips() throws Exception {
        ComposePlanned planned = new ComposePlanned(Samples.COMPOSE_ID, List.of(), planWithoutDisk());

        assertFalse(payload(planned).at("/plan/images/0").has("disk"), "a null disk is not written");
        ComposePlanned back = roundTrip(EventType.COMPOSE_PLANNED, planned);
        assertEquals(planned, back);
        assertNull(back.plan().images().get(0).disk());
    }

    @Test
    void theSixArgumentConstructorMeansNoDisk() {
        ImageTarget t = Samples.plan().images().get(0);
        assertEquals(new ImageTarget(t.architecture(), t.ostreeRef(), t.imageRepository(), t.imageTag(), t.labels(),
                t.packages(), null), new ImageTarget(t.architecture(), t.ostreeRef(), t.imageRepository(),
                        t.imageTag(), t.labels(), t.packages()));
    }

    @Test
    void anOlderProducersComposeBuiltWithoutDiskDecodes() throws Exception {
        ObjectNode payload = payload(Samples.composeBuilt());
        ((ObjectNode) payload.at("/plan/images/0")).remove("disk");

        ComposeBuilt built = decode(EventType.COMPOSE_BUILT, payload);

        assertNull(built.plan().images().get(0).disk());
    }

    @Test
    void diskWithoutKargsReadsAsNone() throws Exception {
        ObjectNode payload = payload(Samples.composePlanned());
        ((ObjectNode) payload.at("/plan/images/0/disk")).remove("kargs");

        assertEquals(List.of(), decode(EventType.COMPOSE_PLANNED, payload).plan().images().get(0).disk().kargs());
    }

    /** Formats are open on the wire: a consumer that makes no disks must not refuse a newer one's plan. */
    @Test
    void aFormatAddedLaterDecodesAndOnlyKnownFormatsRefusesIt() throws Exception {
        ObjectNode payload = payload(Samples.composePlanned());
        ((com.fasterxml.jackson.databind.node.ArrayNode) payload.at("/plan/images/0/disk/formats")).add("vmdk");

        DiskSpec disk = decode(EventType.COMPOSE_PLANNED, payload).plan().images().get(0).disk();

        assertEquals(List.of("raw", "qcow2", "vmdk"), disk.formats());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, disk::knownFormats);
        assertEquals("DiskFormat 'vmdk' is not one of raw, qcow2", e.getMessage());
        assertEquals(List.of(DiskFormat.RAW, DiskFormat.QCOW2), Samples.disk().knownFormats());
    }

    @Test
    void theSchemaRefusesADiskTooSmallWithoutFormatsOrWithAKargWithSpaces() throws Exception {
        for (String[] change : List.of(
                new String[] {"sizeBytes", "1024", "/plan/images/0/disk/sizeBytes"},
                new String[] {"formats", "[]", "/plan/images/0/disk/formats"},
                new String[] {"formats", "[\"raw\",\"raw\"]", "/plan/images/0/disk/formats"},
                new String[] {"kargs", "[\"quiet splash\"]", "/plan/images/0/disk/kargs/0"})) {
            ObjectNode payload = payload(Samples.composePlanned());
            ((ObjectNode) payload.at("/plan/images/0/disk")).set(change[0], JSON.readTree(change[1]));

            InvalidEventException e = assertThrows(InvalidEventException.class,
                    () -> decode(EventType.COMPOSE_PLANNED, payload), change[0] + " " + change[1]);
            assertTrue(e.payloadViolations().stream().anyMatch(v -> v.pointer().equals(change[2])), e.reason());
        }
    }

    @Test
    void diskSpecRefusesWhatTheSchemaRefusesNamingTheField() {
        List<String> messages = new ArrayList<>();
        for (Runnable bad : List.<Runnable>of(
                () -> new DiskSpec(null, 4L << 30, null),
                () -> new DiskSpec(List.of(), 4L << 30, null),
                () -> new DiskSpec(List.of("raw", " "), 4L << 30, null),
                () -> new DiskSpec(List.of("raw", "qcow2", "raw"), 4L << 30, null),
                () -> new DiskSpec(List.of("raw"), 1024, null),
                () -> new DiskSpec(List.of("raw"), 4L << 30, List.of("quiet splash")),
                () -> new DiskSpec(List.of("raw"), 4L << 30, List.of("")),
                () -> new DiskSpec(List.of("raw"), 4L << 30, Arrays.asList("quiet", null)))) {
            messages.add(assertThrows(RuntimeException.class, bad::run).getMessage());
        }
        assertEquals(List.of(
                "formats is required",
                "formats must not be empty",
                "formats[1] must not be blank",
                "formats[2] 'raw' is listed twice",
                "sizeBytes must be at least 1048576, was 1024",
                "kargs[0] 'quiet splash' is empty or holds white space; give each kernel argument as its own item",
                "kargs[0] '' is empty or holds white space; give each kernel argument as its own item",
                "kargs[1] is required"), messages);
    }

    // --- image committed ----------------------------------------------------------

    @Test
    void committedWithDisksRoundTripsAndWritesThem() throws Exception {
        ImageCommitted committed = Samples.imageCommitted();

        assertEquals(committed, roundTrip(EventType.IMAGE_COMMITTED, committed));
        JsonNode disk = payload(committed).at("/disks/1");
        assertEquals(JSON.readTree("{\"format\":\"qcow2\",\"location\":"
                + "\"file:///var/lib/deb-bootc-compose/disks/minimal-1-20250131.n.0/amd64/disk.qcow2\","
                + "\"sha256\":\"" + "c".repeat(64) + "\",\"sizeBytes\":912261120}"), disk);
    }

    @Test
    void committedWithoutDisksWritesAnEmptyListAndTheEightArgumentConstructorMeansNone() throws Exception {
        ImageCommitted s = Samples.imageCommitted();
        ImageCommitted none = new ImageCommitted(s.composeId(), s.architecture(), s.ref(), s.commit(),
                s.imageReference(), s.manifestDigest(), s.layerCount(), s.bytesPushed());

        assertEquals(List.of(), none.disks());
        assertEquals(JSON.readTree("[]"), payload(none).get("disks"));
        assertEquals(none, roundTrip(EventType.IMAGE_COMMITTED, none));
        assertEquals(none, new ImageCommitted(s.composeId(), s.architecture(), s.ref(), s.commit(),
                s.imageReference(), s.manifestDigest(), s.layerCount(), s.bytesPushed(), null));
    }

    @Test
    void anOlderPublishersImageCommittedWithoutDisksDecodes() throws Exception {
        ObjectNode payload = payload(Samples.imageCommitted());
        payload.remove("disks");

        assertEquals(List.of(), decode(EventType.IMAGE_COMMITTED, payload).disks());
    }

    @Test
    void theSchemaRefusesADiskImageWithoutItsChecksum() throws Exception {
        ObjectNode payload = payload(Samples.imageCommitted());
        ((ObjectNode) payload.at("/disks/0")).remove("sha256");

        InvalidEventException e = assertThrows(InvalidEventException.class,
                () -> decode(EventType.IMAGE_COMMITTED, payload));
        assertTrue(e.reason().contains("/disks/0/sha256: required property 'sha256' not found"), e.reason());
    }

    @Test
    void diskImageRefusesABadChecksumOrAnEmptyFile() {
        assertEquals("sha256 'ABC' is not a sha256 digest (64 lower-case hex digits)",
                assertThrows(IllegalArgumentException.class,
                        () -> new DiskImage("raw", "file:///d.raw", "ABC", 1)).getMessage());
        assertEquals("sizeBytes must be at least 1, was 0", assertThrows(IllegalArgumentException.class,
                () -> new DiskImage("raw", "file:///d.raw", Samples.SHA_A, 0)).getMessage());
        assertEquals("location must not be blank", assertThrows(IllegalArgumentException.class,
                () -> new DiskImage("raw", " ", Samples.SHA_A, 1)).getMessage());
    }

    @Test
    void aPublishFailureMayNameTheDiskStage() throws Exception {
        ImagePublishFailed failed = new ImagePublishFailed(Samples.COMPOSE_ID, "amd64",
                "debian/bookworm/amd64/minimal", "disk", "qemu-img convert exited with 1: No space left on device");

        assertEquals(failed, roundTrip(EventType.IMAGE_PUBLISH_FAILED, failed));
    }
}
