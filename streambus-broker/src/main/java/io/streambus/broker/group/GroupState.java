package io.streambus.broker.group;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Group states of spec B.6.1, with the names ListGroups uses (B.6.13), and the transitions allowed between them
 * ({@link #validPreviousStates()}, enforced by {@code Group.transitionTo}). Immutable and thread-safe.
 */
public enum GroupState {
    EMPTY("Empty"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    /** Being removed; never listed, and seen by clients as an unknown group. */
    DEAD("Dead");

    /** Filled once below: an enum constant cannot name constants declared after it in its constructor. */
    private static final Map<GroupState, Set<GroupState>> PREVIOUS = new EnumMap<>(GroupState.class);

    static {
        // A group with members becomes Empty when the last one goes, whatever the phase (B.6.10).
        PREVIOUS.put(EMPTY, EnumSet.of(PREPARING_REBALANCE, COMPLETING_REBALANCE, STABLE));
        PREVIOUS.put(PREPARING_REBALANCE, EnumSet.of(EMPTY, COMPLETING_REBALANCE, STABLE));
        PREVIOUS.put(COMPLETING_REBALANCE, EnumSet.of(PREPARING_REBALANCE));
        PREVIOUS.put(STABLE, EnumSet.of(COMPLETING_REBALANCE));
        // Only an Empty group is deleted, expires or is dropped (B.6.8, B.6.12).
        PREVIOUS.put(DEAD, EnumSet.of(EMPTY));
    }

    private final String wireName;

    GroupState(String wireName) {
        this.wireName = wireName;
    }

    /**
     * The states from which a group may enter this one; any other transition is a bug. The model is Kafka's
     * {@code ClassicGroupState.validPreviousStates}, narrowed to this coordinator's transitions.
     */
    Set<GroupState> validPreviousStates() {
        return PREVIOUS.get(this);
    }

    /** The case-sensitive name of ListGroups. */
    public String wireName() {
        return wireName;
    }

    /** The listable state with this name, or null (including for "Dead", which never matches a filter). */
    public static GroupState forWireName(String name) {
        for (GroupState s : values()) {
            if (s != DEAD && s.wireName.equals(name)) {
                return s;
            }
        }
        return null;
    }
}
