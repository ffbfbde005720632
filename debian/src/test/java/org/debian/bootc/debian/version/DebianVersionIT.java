package org.debian.bootc.debian.version;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Holds {@link DebianVersion} to dpkg itself: a few thousand generated pairs, each asked of
 * {@code dpkg --compare-versions}, all in one {@code sh} process.
 */
class DebianVersionIT {

    private static final int PAIRS = 3000;
    private static final String[] SEPARATORS = {".", "+", "~", "", "-"};

    /** Versions built from the pieces that decide an order: epochs, ~, +, letters, leading zeros, revisions. */
    private static String version(Random random) {
        StringBuilder v = new StringBuilder();
        if (random.nextInt(6) == 0) {
            v.append(random.nextInt(3)).append(':');
        }
        v.append(random.nextInt(4) == 0 ? "0" + random.nextInt(3) : String.valueOf(random.nextInt(12)));
        int parts = random.nextInt(4);
        for (int i = 0; i < parts; i++) {
            switch (random.nextInt(6)) {
                case 0 -> v.append('.').append(random.nextInt(20));
                case 1 -> v.append('~').append(random.nextBoolean() ? "rc" : "").append(random.nextInt(3));
                case 2 -> v.append('+').append(random.nextBoolean() ? "b" : "deb12u").append(random.nextInt(11));
                case 3 -> v.append((char) ('a' + random.nextInt(3)));
                case 4 -> v.append(SEPARATORS[random.nextInt(4)]).append("A").append(random.nextInt(2));
                default -> v.append(random.nextBoolean() ? "~" : ".").append(random.nextInt(2) == 0 ? "~" : "0");
            }
        }
        if (random.nextInt(3) > 0) {
            v.append('-').append(random.nextInt(4));
            if (random.nextBoolean()) {
                v.append(random.nextBoolean() ? "+b1" : random.nextBoolean() ? "~bpo1" : ".1");
            }
        }
        return v.toString();
    }

    @Test
    void ordersEveryGeneratedPairAsDpkgDoes(@TempDir Path dir) throws Exception {
        Random random = new Random(18);
        List<String[]> pairs = new ArrayList<>();
        StringBuilder input = new StringBuilder();
        for (int i = 0; i < PAIRS; i++) {
            String a = version(random);
            String b = random.nextInt(10) == 0 ? a : version(random);
            pairs.add(new String[] {a, b});
            input.append(a).append(' ').append(b).append('\n');
        }
        Path file = dir.resolve("pairs");
        Files.writeString(file, input);
        Process sh = new ProcessBuilder("sh", "-c", """
                while read a b; do
                  if dpkg --compare-versions "$a" lt "$b"; then echo -1
                  elif dpkg --compare-versions "$a" eq "$b"; then echo 0
                  else echo 1; fi
                done < "$1"
                """, "sh", file.toString()).redirectErrorStream(true).start();
        List<String> verdicts = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertEquals(0, sh.waitFor());
        assertEquals(PAIRS, verdicts.size(), () -> String.join("\n", verdicts.subList(0, Math.min(20, verdicts.size()))));

        List<String> disagreements = new ArrayList<>();
        for (int i = 0; i < PAIRS; i++) {
            int dpkg = Integer.parseInt(verdicts.get(i));
            int ours = Integer.signum(DebianVersion.compare(pairs.get(i)[0], pairs.get(i)[1]));
            if (dpkg != ours) {
                disagreements.add(pairs.get(i)[0] + " vs " + pairs.get(i)[1] + ": dpkg " + dpkg + ", ours " + ours);
            }
        }
        assertEquals(List.of(), disagreements);
    }
}
