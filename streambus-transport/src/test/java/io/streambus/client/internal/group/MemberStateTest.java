package io.streambus.client.internal.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MemberStateTest {

    @Test
    void theEagerRebalanceCycleIsAllowed() {
        MemberState s = MemberState.UNJOINED;
        for (MemberState next : new MemberState[] {MemberState.JOINING, MemberState.AWAITING_SYNC,
                MemberState.STABLE, MemberState.REBALANCE_PENDING, MemberState.FENCED, MemberState.JOINING,
                MemberState.AWAITING_SYNC, MemberState.STABLE, MemberState.LEAVING, MemberState.CLOSED}) {
            s = s.to(next);
        }
        assertThat(s).isEqualTo(MemberState.CLOSED);
    }

    @Test
    void illegalTransitionsNameBothStates() {
        assertThatThrownBy(() -> MemberState.UNJOINED.to(MemberState.STABLE))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("UNJOINED").hasMessageContaining("STABLE");
        assertThatThrownBy(() -> MemberState.STABLE.to(MemberState.JOINING))
                .as("eager protocol: partitions are given up (REBALANCE_PENDING or FENCED) before JoinGroup")
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("STABLE").hasMessageContaining("JOINING");
        assertThatThrownBy(() -> MemberState.FENCED.to(MemberState.REBALANCE_PENDING))
                .as("lost partitions cannot be committed any more")
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> MemberState.LEAVING.to(MemberState.UNJOINED))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("LEAVING").hasMessageContaining("UNJOINED");
    }

    @Test
    void closedIsTerminalAndEveryOtherStateCanClose() {
        for (MemberState s : MemberState.values()) {
            for (MemberState t : MemberState.values()) {
                if (s == MemberState.CLOSED) {
                    assertThatThrownBy(() -> s.to(t)).isInstanceOf(IllegalStateException.class);
                }
            }
            if (s != MemberState.CLOSED) {
                assertThat(s.to(MemberState.CLOSED)).isEqualTo(MemberState.CLOSED);
            }
        }
    }

    @Test
    void onlyStatesWithoutPartitionsJoinAndOnlyStatesWithAGenerationReactToCodes() {
        Set<MemberState> joining = EnumSet.noneOf(MemberState.class);
        Set<MemberState> withGeneration = EnumSet.noneOf(MemberState.class);
        for (MemberState s : MemberState.values()) {
            if (s.needsJoin()) {
                joining.add(s);
                assertThat(s.to(MemberState.JOINING)).isEqualTo(MemberState.JOINING);
            }
            if (s.hasGeneration()) {
                withGeneration.add(s);
            }
        }
        assertThat(joining).containsExactlyInAnyOrder(MemberState.UNJOINED, MemberState.REBALANCE_PENDING,
                MemberState.FENCED);
        assertThat(withGeneration).containsExactlyInAnyOrder(MemberState.STABLE, MemberState.REBALANCE_PENDING,
                MemberState.FENCED);
        assertThat(MemberState.LEAVING.isClosing()).isTrue();
        assertThat(MemberState.STABLE.isClosing()).isFalse();
    }
}
