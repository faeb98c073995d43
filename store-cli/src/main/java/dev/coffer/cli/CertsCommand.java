package dev.coffer.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code coffer certs init|add}: the certificates of a local or test cluster; needs no cluster. */
@Command(name = "certs", description = "Certificates for mutual TLS; needs no cluster.",
        subcommands = {CertsCommand.Init.class, CertsCommand.Add.class})
final class CertsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "name a subcommand: init or add");
    }

    /** What to issue: the options init and add share. */
    static final class Certificates {
        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Where the CA and certificates are.")
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

        Duration validity(CommandSpec spec) {
            if (days < 1) {
                throw new ParameterException(spec.commandLine(), "--days must be at least 1, not " + days);
            }
            return Duration.ofDays(days);
        }

        /** Issues every node and client certificate asked for; says what it wrote. */
        void issue(CertificateIssuer issuer, Duration validity, CommandSpec spec) throws Exception {
            List<String> nodeIds = nonBlank(nodes);
            List<String> principals = nonBlank(clients);
            for (String node : nodeIds) {
                issuer.issueNode(node, nonBlank(hosts), validity);
            }
            Instant now = Instant.now();
            for (String client : principals) {
                issuer.issueClient(client, now.minus(Duration.ofMinutes(5)), now.plus(validity));
            }
            PrintStream out = ((CofferCli) spec.root().userObject()).console().out();
            out.println("wrote " + nodeIds.size() + " node and " + principals.size() + " client certificates to "
                    + dir + " (nodes: tls.ca=" + dir.resolve("ca.pem") + ", tls.cert=" + dir.resolve("ID.pem")
                    + ", tls.key=" + dir.resolve("ID.key") + "; clients: coffer --tls-dir " + dir
                    + " --principal NAME)");
            out.flush();
        }

        private static List<String> nonBlank(List<String> names) {
            return names.stream().filter(name -> !name.isBlank()).toList();
        }
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

        @Mixin
        Certificates certificates;

        @Override
        public Integer call() throws Exception {
            Duration validity = certificates.validity(spec);
            if (certificates.nodes.stream().allMatch(String::isBlank)) {
                throw new ParameterException(spec.commandLine(), "give the node ids: --nodes n1,n2,n3");
            }
            certificates.issue(CertificateIssuer.createCa(certificates.dir, validity.plusDays(1)), validity, spec);
            return ExitCodes.OK;
        }
    }

    @Command(name = "add",
            description = {"Issues more certificates with the CA that 'certs init' made in DIR: for a node",
                "added to the cluster, or another client principal."})
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Certificates certificates;

        @Override
        public Integer call() throws Exception {
            certificates.issue(CertificateIssuer.load(certificates.dir), certificates.validity(spec), spec);
            return ExitCodes.OK;
        }
    }
}
