package io.streambus.broker.security;

import java.util.Locale;

/**
 * ACL operations (the second column of an {@link AclFile} rule). Any operation allowed on a resource also allows
 * {@link #DESCRIBE} on it.
 *
 * <table>
 *   <caption>Operations and the resources they apply to</caption>
 *   <tr><th>Operation</th><th>File word</th><th>Applies to</th><th>Grants</th></tr>
 *   <tr><td>PRODUCE</td><td>produce</td><td>topic, txn</td><td>Produce; transactional ids (InitProducerID)</td></tr>
 *   <tr><td>FETCH</td><td>fetch</td><td>topic</td><td>Fetch, committing offsets of the topic</td></tr>
 *   <tr><td>ADMIN</td><td>admin</td><td>topic, group, cluster</td><td>CreateTopic, DeleteTopic, DeleteGroups; also
 *       what CREATE grants</td></tr>
 *   <tr><td>CREATE</td><td>create</td><td>topic</td><td>auto-creation of a missing topic by Produce or Fetch
 *       (A.6.1); without it (or ADMIN) a missing topic is code 8, as with auto-create off</td></tr>
 *   <tr><td>GROUP</td><td>group</td><td>group</td><td>membership and offsets of a consumer group</td></tr>
 *   <tr><td>DESCRIBE</td><td>describe</td><td>all</td><td>GetOffset, OffsetFetch, listing topics and groups</td></tr>
 * </table>
 */
public enum Operation {
    PRODUCE, FETCH, ADMIN, CREATE, GROUP, DESCRIBE;

    /** The word used in ACL files. */
    public String fileName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
