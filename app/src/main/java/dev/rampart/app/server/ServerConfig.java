package dev.rampart.app.server;

import dev.rampart.app.action.ActionService;
import dev.rampart.app.connector.ConnectorClients;
import dev.rampart.app.connector.ConnectorService;
import dev.rampart.app.connector.Connectors;
import dev.rampart.app.connector.CredentialReferences;
import dev.rampart.app.connector.CredentialVault;
import dev.rampart.app.connector.MasterKey;
import dev.rampart.app.database.Database;
import dev.rampart.app.outbound.OutboundPolicy;
import dev.rampart.app.security.ApiTokens;
import dev.rampart.app.security.Audit;
import dev.rampart.app.security.Users;
import dev.rampart.app.sync.RunScheduler;
import dev.rampart.app.sync.RunService;
import dev.rampart.app.sync.SyncEngine;
import java.net.InetAddress;
import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The server's services: the same classes the command line composes, on one database. */
@Configuration(proxyBeanMethods = false)
public class ServerConfig {

    @Bean(destroyMethod = "close")
    Database database(RampartProperties p) {
        return Database.open(p.database().url(), p.resolvedHome());
    }

    @Bean
    DataSource dataSource(Database db) {
        return db.dataSource();
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    MasterKey masterKey(RampartProperties p) {
        if (p.masterKey() != null && !p.masterKey().isBlank()) {
            return MasterKey.of(p.masterKey(), p.masterKeyPrevious());
        }
        return MasterKey.fromFile(
                p.masterKeyFile() != null ? p.masterKeyFile() : p.resolvedHome().resolve("master.key"));
    }

    @Bean
    CredentialVault credentialVault(DataSource ds, MasterKey key) {
        return new CredentialVault(ds, key);
    }

    @Bean
    ConnectorClients connectorClients(CredentialVault vault, CredentialReferences references, OutboundPolicy outbound) {
        return new ConnectorClients(vault, references, outbound);
    }

    @Bean
    CredentialReferences credentialReferences(RampartProperties p) {
        return new CredentialReferences(
                p.credentials().referenceDirectories(), p.credentials().referenceEnvPrefixes(), System::getenv);
    }

    @Bean
    OutboundPolicy outboundPolicy(RampartProperties p) {
        return OutboundPolicy.of(p.outbound().allowedNetworks(), p.outbound().allowMetadata());
    }

    @Bean
    Connectors connectors(DataSource ds) {
        return new Connectors(ds);
    }

    @Bean
    dev.rampart.app.hunting.HuntingService huntingService(
            DataSource ds, Connectors connectors, ConnectorClients clients, Audit audit, RampartProperties p) {
        return new dev.rampart.app.hunting.HuntingService(
                ds, connectors, clients, audit, p.hunting().maxRows());
    }

    @Bean
    dev.rampart.app.query.QueryService queryService(DataSource ds, Audit audit, RampartProperties p, Clock clock) {
        return new dev.rampart.app.query.QueryService(
                ds,
                audit,
                p.query().maxRows(),
                java.time.Duration.ofMillis(p.query().timeoutMillis()),
                clock);
    }

    @Bean
    dev.rampart.app.graph.GraphService graphService(DataSource ds, RampartProperties p) {
        return new dev.rampart.app.graph.GraphService(
                ds, p.graph().maxEntities(), p.graph().maxNeighbours());
    }

    @Bean
    dev.rampart.app.graph.GraphExport graphExport(DataSource ds) {
        return new dev.rampart.app.graph.GraphExport(ds);
    }

    @Bean
    ConnectorService connectorService(
            DataSource ds,
            CredentialVault vault,
            Clock clock,
            RampartProperties p,
            CredentialReferences references,
            OutboundPolicy outbound) {
        return new ConnectorService(ds, vault, clock, p.connectors().allowSandboxUrls(), references, outbound);
    }

    @Bean
    Users users(DataSource ds, Clock clock, RampartProperties p) {
        RampartProperties.SignIn s = p.signIn();
        return new Users(
                ds,
                clock,
                new Users.SignInPolicy(
                        s.failuresPerAddress(), s.failuresPerAccount(), java.time.Duration.ofMinutes(s.lockMinutes())));
    }

    @Bean
    ApiTokens apiTokens(DataSource ds, Clock clock) {
        return new ApiTokens(ds, clock);
    }

    @Bean
    Audit audit(DataSource ds) {
        return new Audit(ds);
    }

    @Bean
    SyncEngine syncEngine(DataSource ds, Clock clock, ConnectorClients clients) {
        return new SyncEngine(ds, clock, clients::client);
    }

    static String node(RampartProperties p) {
        if (p.node() != null && !p.node().isBlank()) {
            return p.node();
        }
        try {
            return InetAddress.getLocalHost().getHostName() + "-"
                    + ProcessHandle.current().pid();
        } catch (java.io.IOException e) {
            return "node-" + ProcessHandle.current().pid();
        }
    }

    /** This node's name, as runs and actions record it. */
    @Bean
    String nodeName(RampartProperties p) {
        return node(p);
    }

    @Bean
    ActionService actionService(
            DataSource ds, ConnectorClients clients, Audit audit, Clock clock, RampartProperties p) {
        RampartProperties.Actions a = p.actions();
        return new ActionService(
                ds,
                clients,
                audit,
                clock,
                new ActionService.Settings(
                        java.time.Duration.ofSeconds(a.pollSeconds()),
                        java.time.Duration.ofMinutes(5),
                        java.time.Duration.ofDays(a.giveUpDays()),
                        a.maxBulkScan()));
    }

    @Bean(destroyMethod = "shutdownNow")
    ExecutorService runExecutor(RampartProperties p) {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(
                p.runs().threads(),
                p.runs().threads(),
                60,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(Math.max(1, p.runs().threads())),
                r -> {
                    Thread t = new Thread(r, "rampart-run-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    @Bean
    RunService runService(DataSource ds, SyncEngine engine, ExecutorService runExecutor, RampartProperties p) {
        return new RunService(ds, engine, runExecutor, node(p));
    }

    @Bean(destroyMethod = "close")
    RunScheduler runScheduler(DataSource ds, Connectors connectors, RunService runs, Clock clock, RampartProperties p) {
        RampartProperties.Scheduler s = p.scheduler();
        RunScheduler scheduler = new RunScheduler(
                ds,
                connectors,
                runs,
                clock,
                new RunScheduler.Settings(
                        s.cluster(), node(p), s.checkinIntervalMs(), s.misfireThresholdMs(), s.threads()));
        if (s.enabled()) {
            scheduler.start();
        }
        return scheduler;
    }
}
