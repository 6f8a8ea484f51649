package io.streambus.broker.group;

/** Group states of spec B.6.1, with the names ListGroups uses (B.6.13). */
public enum GroupState {
    EMPTY("Empty"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    /** Being removed; never listed, and seen by clients as an unknown group. */
    DEAD("Dead");

    private final String wireName;

    GroupState(String wireName) {
        this.wireName = wireName;
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
