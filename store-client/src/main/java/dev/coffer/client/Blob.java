package dev.coffer.client;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * An object's value with its metadata. Immutable: {@link #value()} returns a copy, and
 * {@link #asReadOnlyBuffer()} / {@link #asInputStream()} read the bytes without copying them.
 */
public final class Blob {
    private final ObjectInfo info;
    private final byte[] value;

    /** Copies {@code value}, so later changes to the caller's array do not show through. */
    public Blob(ObjectInfo info, byte[] value) {
        this.info = Objects.requireNonNull(info, "info");
        this.value = Objects.requireNonNull(value, "value").clone();
    }

    /** Takes ownership of {@code owned} without copying (the argument order tells it apart). */
    private Blob(byte[] owned, ObjectInfo info) {
        this.info = info;
        this.value = owned;
    }

    /** For values the client just decoded: no copy, the caller must not keep a reference. */
    static Blob wrap(ObjectInfo info, byte[] value) {
        return new Blob(value, info);
    }

    public ObjectInfo info() {
        return info;
    }

    /** A fresh copy of the value. */
    public byte[] value() {
        return value.clone();
    }

    /** The value's length in bytes. */
    public int size() {
        return value.length;
    }

    /** A read-only view of the value, without copying it. */
    public ByteBuffer asReadOnlyBuffer() {
        return ByteBuffer.wrap(value).asReadOnlyBuffer();
    }

    /** A stream over the value, without copying it. */
    public InputStream asInputStream() {
        return new ByteArrayInputStream(value);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Blob blob && info.equals(blob.info) && Arrays.equals(value, blob.value);
    }

    @Override
    public int hashCode() {
        return 31 * info.hashCode() + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Blob[info=" + info + ", " + value.length + " bytes]";
    }
}
