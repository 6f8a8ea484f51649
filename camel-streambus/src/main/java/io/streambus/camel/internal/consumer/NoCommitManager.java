package io.streambus.camel.internal.consumer;

/**
 * No commits: the endpoint has nowhere to commit to, or commits are switched off. Positions still come from the
 * commit target when there is one (see {@link ConsumerTask}). Every operation is the {@link CommitManager} default
 * (nothing committed, no manual handle). Stateless and thread-safe.
 */
final class NoCommitManager implements CommitManager {

    @Override
    public String describe() {
        return "none";
    }
}
