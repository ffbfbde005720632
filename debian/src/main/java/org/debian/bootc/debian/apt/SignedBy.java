package org.debian.bootc.debian.apt;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An apt source's {@code Signed-By}: keyring files, key fingerprints, or an
 * ASCII-armoured key written into the source itself (deb822 only).
 *
 * @param keyrings keyring files (binary or armoured) whose keys may sign the Release file
 * @param fingerprints when not empty, only these keys (or their subkeys) may sign it
 * @param armoredKey a public key block embedded in the source
 */
public record SignedBy(List<Path> keyrings, List<String> fingerprints, Optional<String> armoredKey) {

    public SignedBy {
        keyrings = List.copyOf(keyrings);
        fingerprints = List.copyOf(fingerprints);
        armoredKey = armoredKey.filter(s -> !s.isBlank());
    }

    public static SignedBy keyring(Path keyring) {
        return new SignedBy(List.of(keyring), List.of(), Optional.empty());
    }

    /** Reads the option's value as apt does: an embedded key, or paths and fingerprints separated by commas or spaces. */
    public static SignedBy parse(String value) {
        String trimmed = value.strip();
        if (trimmed.contains("-----BEGIN PGP PUBLIC KEY BLOCK-----")) {
            StringBuilder key = new StringBuilder();
            for (String line : trimmed.split("\n")) {
                String l = line.strip();
                // deb822 writes an empty line inside a field as " ."
                key.append(l.equals(".") ? "" : l).append('\n');
            }
            return new SignedBy(List.of(), List.of(), Optional.of(key.toString()));
        }
        List<Path> keyrings = new ArrayList<>();
        List<String> fingerprints = new ArrayList<>();
        for (String item : trimmed.split("[,\\s]+")) {
            if (item.isEmpty()) {
                continue;
            }
            if (item.startsWith("/")) {
                keyrings.add(Path.of(item));
            } else {
                // apt allows a trailing '!' to pin the exact (sub)key; gpgv's VALIDSIG names it either way
                fingerprints.add(item.replace("!", "").toUpperCase(Locale.ROOT));
            }
        }
        return new SignedBy(keyrings, fingerprints, Optional.empty());
    }
}
