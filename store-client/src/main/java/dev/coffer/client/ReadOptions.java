package dev.coffer.client;

/**
 * How fresh a read must be. {@link #linearizable()} (the default) sees every write acknowledged
 * before the read started. {@link #stale()} may be answered by any node from its local state,
 * which can lag behind the leader; it is cheaper and works without a leader.
 */
public final class ReadOptions {
    private static final ReadOptions LINEARIZABLE = new ReadOptions(false);
    private static final ReadOptions STALE = new ReadOptions(true);

    private final boolean staleOk;

    private ReadOptions(boolean staleOk) {
        this.staleOk = staleOk;
    }

    public static ReadOptions linearizable() {
        return LINEARIZABLE;
    }

    public static ReadOptions stale() {
        return STALE;
    }

    public boolean staleOk() {
        return staleOk;
    }

    @Override
    public String toString() {
        return staleOk ? "ReadOptions[stale]" : "ReadOptions[linearizable]";
    }
}
