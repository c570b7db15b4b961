package io.mesosoperator.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * kubectl against an operator that requires a token and serves https with a certificate it is
 * given: `mesos-operator kubeconfig --token` writes a kubeconfig that trusts the certificate and
 * carries the token, and kubectl writes with it; without the token it is refused.
 */
class KubectlTlsE2ETest extends EmbeddedOperatorTest {
    private static final String TOKEN = "kubectl-test-token";

    @Override
    EmbeddedOperator.Options options() {
        try {
            Path tls = Files.createDirectories(work.resolve("tls"));
            Path keystore = tls.resolve("operator.p12");
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "operator", "-keyalg", "RSA",
                    "-keysize", "2048", "-validity", "2", "-dname", "CN=mesos-operator", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                    "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit")
                    .redirectErrorStream(true).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
            Path tokens = tls.resolve("tokens");
            Files.writeString(tokens, TOKEN + "\n");
            return super.options().config("api.tokenFile", tokens.toString())
                    .config("server.applicationConnectors", List.of(Map.of("type", "https", "bindHost", "127.0.0.1",
                            "port", 0, "keyStorePath", keystore.toString(), "keyStorePassword", "changeit",
                            "keyStoreType", "PKCS12")));
        } catch (Exception e) {
            throw new IllegalStateException("cannot make the operator's certificate: " + e.getMessage(), e);
        }
    }

    private KubectlE2ETest.Result kubectl(Path kubeconfig, String... args) throws Exception {
        return KubectlE2ETest.run(work, kubeconfig, args);
    }

    @Test
    void kubectlWritesOverHttpsWithTheToken() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(KubectlE2ETest.KUBECTL), "no kubectl at " + KubectlE2ETest.KUBECTL);
        assertThat(env.api()).startsWith("https://");
        EmbeddedOperator.Run printed = env.cli("kubeconfig", "--token", TOKEN);
        assertThat(printed.code()).as(printed.err()).isZero();
        assertThat(printed.err()).contains("trusting the certificate", "CN=mesos-operator", "SHA-256");
        assertThat(printed.out()).contains("certificate-authority-data:", "token: \"" + TOKEN + "\"");
        Path kubeconfig = Files.writeString(work.resolve("kubeconfig"), printed.out());
        Path wrongToken = Files.writeString(work.resolve("kubeconfig-wrong-token"),
                printed.out().replace("token: \"" + TOKEN + "\"", "token: \"not-" + TOKEN + "\""));

        Path spec = Files.writeString(work.resolve("tls.yaml"), Specs.service("secure", 1, "sleep 600"));
        KubectlE2ETest.Result refused = kubectl(wrongToken, "apply", "-f", spec.toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("You must be logged in to the server");

        KubectlE2ETest.Result created = kubectl(kubeconfig, "apply", "-f", spec.toString());
        assertThat(created.code()).as(created.err()).isZero();
        assertThat(created.out()).contains("service.mesos-operator.io/secure created");
        assertThat(kubectl(kubeconfig, "get", "msvc").out()).contains("secure");
        KubectlE2ETest.Result deleted = kubectl(kubeconfig, "delete", "msvc", "secure");
        assertThat(deleted.out()).as(deleted.err()).contains("service.mesos-operator.io \"secure\" deleted");
    }
}
