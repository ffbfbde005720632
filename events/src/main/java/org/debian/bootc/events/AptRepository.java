package org.debian.bootc.events;

import java.util.List;

/**
 * An extra apt repository a compose builds and installs from, as apt's deb822
 * sources name it. {@code signedBy} is what apt's {@code Signed-By} takes: the
 * absolute path of a keyring, or an ASCII-armoured public key block.
 */
public record AptRepository(String uri, String suite, List<String> components, String signedBy) {

    public AptRepository {
        Invariants.text("uri", uri);
        Invariants.text("suite", suite);
        components = Invariants.list("components", components);
        Invariants.nonEmpty("components", components);
        Invariants.text("signedBy", signedBy);
    }
}
