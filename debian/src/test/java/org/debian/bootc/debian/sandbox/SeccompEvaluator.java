package org.debian.bootc.debian.sandbox;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Runs a seccomp classic-BPF program on one system call as the kernel does, for the ABIs this machine
 * cannot run (x32 without the kernel's x32 support, aarch64 and arm on an amd64 host). It knows the
 * instructions libseccomp emits for these filters; any other fails the test rather than guessing.
 */
final class SeccompEvaluator {

    static final String ALLOW = "ALLOW";
    static final String KILL_THREAD = "KILL_THREAD";
    static final String EPERM = "EPERM";
    static final String ENOSYS = "ENOSYS";

    private static final int MAX_STEPS = 4096;

    private final ByteBuffer program;

    SeccompEvaluator(byte[] program) {
        this.program = ByteBuffer.wrap(program).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The filter's answer for {@code nr} called with {@code args} by a program of {@code auditArch}. */
    String run(int auditArch, int nr, long... args) {
        int answer = evaluate(auditArch, nr, args);
        return switch (answer) {
            case 0x7fff0000 -> ALLOW;
            case 0 -> KILL_THREAD;
            case 0x00050001 -> EPERM;
            case 0x00050026 -> ENOSYS;
            default -> "0x" + Integer.toHexString(answer);
        };
    }

    private int evaluate(int auditArch, int nr, long[] args) {
        // struct seccomp_data: int nr, u32 arch, u64 instruction_pointer, u64 args[6]; little-endian
        ByteBuffer data = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        data.putInt(0, nr).putInt(4, auditArch);
        for (int i = 0; i < args.length; i++) {
            data.putLong(16 + 8 * i, args[i]);
        }
        int a = 0;
        int pc = 0;
        for (int step = 0; step < MAX_STEPS; step++) {
            int at = pc * SeccompFilter.INSTRUCTION_BYTES;
            int code = Short.toUnsignedInt(program.getShort(at));
            int jt = Byte.toUnsignedInt(program.get(at + 2));
            int jf = Byte.toUnsignedInt(program.get(at + 3));
            int k = program.getInt(at + 4);
            pc++;
            switch (code) {
                case 0x20 -> a = data.getInt(k); // BPF_LD | BPF_W | BPF_ABS
                case 0x54 -> a &= k; // BPF_ALU | BPF_AND | BPF_K
                case 0x05 -> pc += k; // BPF_JMP | BPF_JA
                case 0x15 -> pc += a == k ? jt : jf; // BPF_JMP | BPF_JEQ | BPF_K
                case 0x25 -> pc += Integer.compareUnsigned(a, k) > 0 ? jt : jf; // BPF_JGT
                case 0x35 -> pc += Integer.compareUnsigned(a, k) >= 0 ? jt : jf; // BPF_JGE
                case 0x45 -> pc += (a & k) != 0 ? jt : jf; // BPF_JSET
                case 0x06 -> {
                    return k; // BPF_RET | BPF_K
                }
                default -> throw new IllegalStateException(
                        "instruction " + (pc - 1) + ": opcode 0x" + Integer.toHexString(code) + " not known here");
            }
        }
        throw new IllegalStateException("no answer after " + MAX_STEPS + " instructions");
    }
}
