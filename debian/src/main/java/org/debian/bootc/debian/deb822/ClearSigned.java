package org.debian.bootc.debian.deb822;

/**
 * The text inside an OpenPGP clear-signed message (an InRelease, a signed {@code .dsc}),
 * taken WITHOUT checking the signature: for files whose signature was checked elsewhere
 * ({@code release.ReleaseVerifier} hands back the verified text itself) or whose sha256 a
 * verified file pins.
 */
public final class ClearSigned {

    private ClearSigned() {
    }

    /** The body of a clear-signed text, dash-escaping undone; a text that is not clear-signed is returned as it is. */
    public static String body(String text) {
        if (!text.startsWith("-----BEGIN PGP SIGNED MESSAGE-----")) {
            return text;
        }
        int body = text.indexOf("\n\n");
        int end = text.indexOf("\n-----BEGIN PGP SIGNATURE-----");
        if (body < 0 || end < body) {
            return text;
        }
        return text.substring(body + 2, end + 1).replaceAll("(?m)^- ", "");
    }
}
