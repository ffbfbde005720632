package org.debian.bootc.publisher.service;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.debian.bootc.events.AptRepository;
import org.debian.bootc.events.ArtifactRef;
import org.debian.bootc.events.ResolvedPackage;

/**
 * The input key of one image: a sha256 over everything that decides the tree, the OSTree
 * commit and the OCI image, and over nothing else. Two publishes with the same key make
 * the same commit and the same manifest digest, so the second can reuse the first's
 * (Koji's "this build already exists" for an image, rpm-ostree's {@code
 * --cache-only}/input-hash idea).
 *
 * <p>In it: the plan's suite, archive and InRelease sha256, the extra repositories, the
 * target's architecture, ref, tag (it is the image's version label and the commit's
 * {@code version}), labels and resolved packages at their versions, the sha256 of each
 * of the compose's built {@code .deb}s, the rebuilt source names (commit metadata),
 * the SOURCE_DATE_EPOCH actually used, the settings that shape the tree or image
 * ({@code require-kernel}, {@code max-layers}, {@code image-source}), the versions of
 * the host tools that make the tree ({@code mmdebstrap}, {@code apt}, {@code dpkg},
 * {@code ostree}), and {@link #LAYOUT_VERSION}. Not in it: the compose id (a new
 * compose of the same inputs is the same image; the kept commit keeps the compose id
 * it was first made by, as {@code --skip-if-unchanged} already did), the image
 * repository (where the image is pushed, not what it is), and where the .debs are.
 * Lists that are sets (packages, .debs, labels, sources) are sorted first, so their
 * order in the event does not matter.
 */
public final class InputKey {

    /**
     * The version of what this code makes of the inputs. Bump it with any change to the
     * root file system, the OSTree layout, lint, the commit or the image format, so the
     * next publish of unchanged inputs takes the full path instead of reusing an image
     * the old code made.
     */
    public static final int LAYOUT_VERSION = 1;

    /** The host tools whose version can change the tree. */
    public static final List<String> TOOLS = List.of("mmdebstrap", "apt", "dpkg", "ostree");

    private static final ObjectMapper JSON = new ObjectMapper();

    private InputKey() {
    }

    /**
     * @param sourceDateEpoch the SOURCE_DATE_EPOCH this publish uses (configured, or the archive's Date)
     * @param toolVersions package → version of {@link #TOOLS} on this host
     */
    public static String of(PublishRequest request, long sourceDateEpoch, PublisherSettings settings,
            Map<String, String> toolVersions) {
        return sha256(canonical(request, sourceDateEpoch, settings, toolVersions));
    }

    /** The canonical JSON text the key is the sha256 of (logged at debug level, useful to diff two keys). */
    static String canonical(PublishRequest request, long sourceDateEpoch, PublisherSettings settings,
            Map<String, String> toolVersions) {
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("layoutVersion", LAYOUT_VERSION);
        inputs.put("suite", request.plan().suite());
        inputs.put("archive", request.plan().archive());
        inputs.put("inReleaseSha256", request.plan().inReleaseSha256());
        List<Map<String, Object>> extra = new ArrayList<>();
        for (AptRepository r : request.plan().extraRepositories()) {
            Map<String, Object> repo = new LinkedHashMap<>();
            repo.put("uri", r.uri());
            repo.put("suite", r.suite());
            repo.put("components", r.components());
            repo.put("signedBy", r.signedBy());
            extra.add(repo);
        }
        inputs.put("extraRepositories", extra); // apt's order of sources is kept: it is not a set
        inputs.put("architecture", request.target().architecture());
        inputs.put("ostreeRef", request.target().ostreeRef());
        inputs.put("tag", request.target().imageTag());
        inputs.put("version", request.version());
        inputs.put("labels", new TreeMap<>(request.target().labels()));
        inputs.put("packages", request.target().packages().stream()
                .map(InputKey::pinned).sorted().distinct().toList());
        inputs.put("builtDebs", request.builtPackages().stream()
                .filter(a -> ArtifactRef.BINARY_PACKAGE.equals(a.category()))
                .map(ArtifactRef::sha256).sorted().toList());
        inputs.put("rebuiltSources", request.rebuiltSources().stream().sorted().toList());
        inputs.put("sourceDateEpoch", sourceDateEpoch);
        inputs.put("requireKernel", settings.requireKernel());
        inputs.put("maxLayers", settings.maxLayers());
        inputs.put("imageSource", settings.imageSource());
        inputs.put("tools", new TreeMap<>(toolVersions));
        try {
            return JSON.writeValueAsString(inputs);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String pinned(ResolvedPackage p) {
        return p.name() + ":" + p.architecture() + "=" + p.version();
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
