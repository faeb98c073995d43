package dev.coffer.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code coffer certs init}: the certificates of a local or test cluster; needs no cluster. */
@Command(name = "certs", description = "Certificates for mutual TLS; needs no cluster.",
        subcommands = {CertsCommand.Init.class, CertsCommand.Add.class})
final class CertsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "name a subcommand: init or add");
    }

    @Command(name = "init",
            description = {"Makes a CA and the certificates of a cluster's nodes and clients in DIR:",
                "ca.pem and ca.key; for each node and client NAME.pem and NAME.key (EC P-256, keys as",
                "PKCS#8 readable only by their owner). A node's certificate names the node id and",
                "localhost, 127.0.0.1 and the --hosts; a client's names the principal. For local and",
                "test clusters: production clusters should use their organisation's CA.",
                "Example: coffer certs init --dir data/cluster/tls --nodes n1,n2,n3 --clients admin,app"})
    static final class Init implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Where to write them (no CA there yet).")
        Path dir;

        @Option(names = "--nodes", required = true, split = ",", paramLabel = "ID[,ID...]", description = "Node ids.")
        List<String> nodes;

        @Option(names = "--clients", split = ",", paramLabel = "NAME[,NAME...]", defaultValue = "admin,app",
                description = "Client principals (default: ${DEFAULT-VALUE}).")
        List<String> clients;

        @Option(names = "--hosts", split = ",", paramLabel = "HOST[,HOST...]", defaultValue = "",
                description = "Host names or addresses the nodes are reached at, beyond localhost and 127.0.0.1.")
        List<String> hosts;

        @Option(names = "--days", paramLabel = "N", defaultValue = "365",
                description = "How long the certificates are valid (default: ${DEFAULT-VALUE}).")
        int days;

        @Override
        public Integer call() throws Exception {
            if (days < 1) {
                throw new ParameterException(spec.commandLine(), "--days must be at least 1, not " + days);
            }
            Duration validity = Duration.ofDays(days);
            CertificateIssuer issuer = CertificateIssuer.createCa(dir, validity.plusDays(1));
            List<String> extraHosts = hosts.stream().filter(h -> !h.isBlank()).toList();
            for (String node : nodes) {
                issuer.issueNode(node, extraHosts, validity);
            }
            Instant now = Instant.now();
            for (String client : clients) {
                issuer.issueClient(client, now.minus(Duration.ofMinutes(5)), now.plus(validity));
            }
            PrintStream out = ((CofferCli) spec.root().userObject()).console().out();
            out.println("wrote a CA, " + nodes.size() + " node and " + clients.size() + " client certificates to " + dir);
            out.println("nodes: tls.ca=" + dir.resolve("ca.pem") + ", tls.cert=" + dir.resolve("ID.pem")
                    + ", tls.key=" + dir.resolve("ID.key"));
            out.println("clients: coffer --tls-dir " + dir + " --principal NAME ...");
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "add",
            description = {"Issues more certificates with the CA that 'certs init' made in DIR: for a node",
                "added to the cluster, or another client principal."})
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Where 'certs init' wrote the CA.")
        Path dir;

        @Option(names = "--nodes", split = ",", paramLabel = "ID[,ID...]", defaultValue = "", description = "Node ids.")
        List<String> nodes;

        @Option(names = "--clients", split = ",", paramLabel = "NAME[,NAME...]", defaultValue = "",
                description = "Client principals.")
        List<String> clients;

        @Option(names = "--hosts", split = ",", paramLabel = "HOST[,HOST...]", defaultValue = "",
                description = "Host names or addresses the nodes are reached at, beyond localhost and 127.0.0.1.")
        List<String> hosts;

        @Option(names = "--days", paramLabel = "N", defaultValue = "365",
                description = "How long the certificates are valid (default: ${DEFAULT-VALUE}).")
        int days;

        @Override
        public Integer call() throws Exception {
            CertificateIssuer issuer = CertificateIssuer.load(dir);
            Duration validity = Duration.ofDays(Math.max(1, days));
            List<String> newNodes = nodes.stream().filter(n -> !n.isBlank()).toList();
            List<String> newClients = clients.stream().filter(c -> !c.isBlank()).toList();
            for (String node : newNodes) {
                issuer.issueNode(node, hosts.stream().filter(h -> !h.isBlank()).toList(), validity);
            }
            Instant now = Instant.now();
            for (String client : newClients) {
                issuer.issueClient(client, now.minus(Duration.ofMinutes(5)), now.plus(validity));
            }
            PrintStream out = ((CofferCli) spec.root().userObject()).console().out();
            out.println("wrote " + newNodes.size() + " node and " + newClients.size() + " client certificates to " + dir);
            out.flush();
            return ExitCodes.OK;
        }
    }
}
