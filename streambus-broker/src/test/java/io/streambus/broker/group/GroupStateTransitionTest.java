package io.streambus.broker.group;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Group#transitionTo}: the allowed transitions of {@link GroupState#validPreviousStates()} and no others. */
class GroupStateTransitionTest {

    @Test
    void aFullLifecycleFollowsTheAllowedTransitions() {
        Group g = new Group("g");
        assertThat(g.state()).isEqualTo(GroupState.EMPTY);
        g.transitionTo(GroupState.PREPARING_REBALANCE);
        g.transitionTo(GroupState.COMPLETING_REBALANCE);
        g.transitionTo(GroupState.STABLE);
        g.transitionTo(GroupState.PREPARING_REBALANCE);
        g.transitionTo(GroupState.EMPTY);
        g.transitionTo(GroupState.DEAD);
        assertThat(g.state()).isEqualTo(GroupState.DEAD);
    }

    @Test
    void everyOtherTransitionIsRefusedNamingBothStates() {
        int refused = 0;
        for (GroupState from : GroupState.values()) {
            for (GroupState to : GroupState.values()) {
                if (to.validPreviousStates().contains(from)) {
                    continue;
                }
                Group g = groupIn(from);
                assertThatThrownBy(() -> g.transitionTo(to))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining(from.name()).hasMessageContaining(to.name());
                assertThat(g.state()).as("unchanged after a refused transition").isEqualTo(from);
                refused++;
            }
        }
        // 25 pairs; allowed: 3 into Empty, 3 into PreparingRebalance, 1 each into CompletingRebalance, Stable, Dead
        assertThat(refused).isEqualTo(25 - 9);
    }

    /** A group brought into {@code state} through allowed transitions only. */
    private static Group groupIn(GroupState state) {
        Group g = new Group("g");
        switch (state) {
            case EMPTY -> { }
            case PREPARING_REBALANCE -> g.transitionTo(GroupState.PREPARING_REBALANCE);
            case COMPLETING_REBALANCE -> {
                g.transitionTo(GroupState.PREPARING_REBALANCE);
                g.transitionTo(GroupState.COMPLETING_REBALANCE);
            }
            case STABLE -> {
                g.transitionTo(GroupState.PREPARING_REBALANCE);
                g.transitionTo(GroupState.COMPLETING_REBALANCE);
                g.transitionTo(GroupState.STABLE);
            }
            case DEAD -> g.transitionTo(GroupState.DEAD);
        }
        assertThat(g.state()).isEqualTo(state);
        return g;
    }
}
