package io.streambus.jms.ra.itest;

import io.streambus.jms.ra.itest.app.Names;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The asadmin commands Payara Micro runs after boot ({@code --postbootcommandfile}), in the order an administrator
 * of a full server would run them: RA configuration, RAR deployment, the RA's XA connection pool and resource, the
 * outbound queue admin object, the H2 XA pool and resource, then the application. The README's "Deploying in an
 * application server" section lists the same commands. Immutable once built; not thread-safe while building.
 */
final class PostBootScript {
    /** Connection pool on the RA's {@code jakarta.jms.ConnectionFactory} connection definition. */
    static final String JMS_POOL = "streambus-pool";
    /** JDBC pool of the H2 XA data source. */
    static final String JDBC_POOL = "h2-xa-pool";
    /** Context root of the test application. */
    static final String CONTEXT_ROOT = "itest";

    private final List<String> lines = new ArrayList<>();

    /**
     * @param brokerUrl            {@code streambus://127.0.0.1:port}
     * @param connectionProperties the RA's {@code ConnectionProperties} ({@code k=v;k2=v2})
     * @param jdbcUrl              the H2 TCP URL the server's XA data source uses
     * @param rar                  streambus-ra.rar (module name streambus-ra)
     * @param war                  the test application
     */
    PostBootScript(String brokerUrl, String connectionProperties, String jdbcUrl, String dbUser, String dbPassword,
                   Path rar, Path war) {
        lines.add("create-resource-adapter-config --property BrokerURL=" + escape(brokerUrl)
                + ":ConnectionProperties=" + escape(connectionProperties) + " " + Names.RESOURCE_ADAPTER);
        lines.add("deploy " + rar);
        lines.add("create-connector-connection-pool --raname " + Names.RESOURCE_ADAPTER
                + " --connectiondefinition jakarta.jms.ConnectionFactory --transactionsupport XATransaction "
                + JMS_POOL);
        lines.add("create-connector-resource --poolname " + JMS_POOL + " " + Names.CONNECTION_FACTORY);
        lines.add("create-admin-object --raname " + Names.RESOURCE_ADAPTER + " --restype jakarta.jms.Queue"
                + " --property Name=" + escape(Names.OUTBOUND_QUEUE) + " " + Names.OUTBOUND_QUEUE_RESOURCE);
        lines.add("create-jdbc-connection-pool --datasourceclassname org.h2.jdbcx.JdbcDataSource"
                + " --restype javax.sql.XADataSource --property url=" + escape(jdbcUrl) + ":user=" + escape(dbUser)
                + ":password=" + escape(dbPassword) + " " + JDBC_POOL);
        lines.add("create-jdbc-resource --connectionpoolid " + JDBC_POOL + " " + Names.DATASOURCE);
        lines.add("deploy --contextroot " + CONTEXT_ROOT + " --name " + CONTEXT_ROOT + " " + war);
    }

    /** asadmin's property syntax: {@code :} separates properties and {@code =} name from value, so both are escaped. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace(":", "\\:").replace("=", "\\=");
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    Path writeTo(Path file) throws IOException {
        return Files.write(file, lines, StandardCharsets.UTF_8);
    }
}
