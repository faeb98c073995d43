package dev.coffer.client;

import java.util.Objects;

/**
 * What a listing returns: keys starting with {@link #prefix()}, after {@link #startAfter()}
 * (exclusive), at most {@link #limit()} per page (0 = the node's default page size).
 */
public final class ListOptions {
    private static final ListOptions ALL = builder().build();

    private final String prefix;
    private final String startAfter;
    private final int limit;
    private final ReadOptions readOptions;

    private ListOptions(Builder builder) {
        this.prefix = builder.prefix;
        this.startAfter = builder.startAfter;
        this.limit = builder.limit;
        this.readOptions = builder.readOptions;
    }

    /** Every key, from the start, with the node's default page size, linearizable. */
    public static ListOptions all() {
        return ALL;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to change some of them. */
    public Builder toBuilder() {
        return new Builder().prefix(prefix).startAfter(startAfter).limit(limit).readOptions(readOptions);
    }

    /** These options with another {@code startAfter}: how the next page is asked for. */
    public ListOptions withStartAfter(String key) {
        return toBuilder().startAfter(key).build();
    }

    public String prefix() {
        return prefix;
    }

    public String startAfter() {
        return startAfter;
    }

    public int limit() {
        return limit;
    }

    public ReadOptions readOptions() {
        return readOptions;
    }

    @Override
    public String toString() {
        return "ListOptions[prefix=" + prefix + ", startAfter=" + startAfter + ", limit=" + limit + ", "
                + readOptions + "]";
    }

    /** Builds {@link ListOptions}; every setting is optional. */
    public static final class Builder {
        private String prefix = "";
        private String startAfter = "";
        private int limit = 0;
        private ReadOptions readOptions = ReadOptions.linearizable();

        private Builder() {
        }

        /** Only keys starting with this; "" = every key. */
        public Builder prefix(String prefix) {
            this.prefix = Objects.requireNonNull(prefix, "prefix must not be null (use \"\" for every key)");
            return this;
        }

        /** Only keys after this one (exclusive); "" = from the first key. */
        public Builder startAfter(String startAfter) {
            this.startAfter = Objects.requireNonNull(startAfter,
                    "startAfter must not be null (use \"\" to start from the first key)");
            return this;
        }

        /** At most this many objects per page; 0 = the node's default page size. */
        public Builder limit(int limit) {
            if (limit < 0) {
                throw new IllegalArgumentException("limit must be 0 (node default) or positive, got " + limit);
            }
            this.limit = limit;
            return this;
        }

        public Builder readOptions(ReadOptions readOptions) {
            this.readOptions = Objects.requireNonNull(readOptions, "readOptions");
            return this;
        }

        public ListOptions build() {
            return new ListOptions(this);
        }
    }
}
