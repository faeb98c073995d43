package dev.coffer.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * What {@code coffer bench} asks the cluster to do: which share of operations read, and what the
 * others do. The YCSB ones follow the YCSB core workloads A, B, C and F.
 */
enum BenchWorkload {
    PUT("put", 0.0, OpKind.UPDATE),
    GET("get", 1.0, OpKind.UPDATE),
    MIX("mix", 0.5, OpKind.UPDATE),
    YCSB_A("ycsb-a", 0.5, OpKind.UPDATE),
    YCSB_B("ycsb-b", 0.95, OpKind.UPDATE),
    YCSB_C("ycsb-c", 1.0, OpKind.UPDATE),
    YCSB_F("ycsb-f", 0.5, OpKind.READ_MODIFY_WRITE);

    /** One operation of a workload. */
    enum OpKind {
        READ,
        UPDATE,
        READ_MODIFY_WRITE
    }

    private final String label;
    private final double readRatio;
    private final OpKind write;

    BenchWorkload(String label, double readRatio, OpKind write) {
        this.label = label;
        this.readRatio = readRatio;
        this.write = write;
    }

    String label() {
        return label;
    }

    /** The share of reads when --read-ratio is not given. */
    double defaultReadRatio() {
        return readRatio;
    }

    /** Picks the next operation from a uniform number in [0, 1). */
    OpKind choose(double uniform, double readRatio) {
        return uniform < readRatio ? OpKind.READ : write;
    }

    static BenchWorkload parse(String text) {
        String wanted = text.strip().toLowerCase(Locale.ROOT);
        for (BenchWorkload workload : values()) {
            if (workload.label.equals(wanted)) {
                return workload;
            }
        }
        throw new TypeConversionException("'" + text + "' is not a workload: use one of "
                + Arrays.stream(values()).map(BenchWorkload::label).collect(Collectors.joining(", ")));
    }

    /** Picocli's converter for --workload. */
    static final class Converter implements ITypeConverter<BenchWorkload> {
        @Override
        public BenchWorkload convert(String text) {
            return parse(text);
        }
    }
}
