package io.mesosoperator.scheduler.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** What `kubeconfig` needs of TLS: the certificate an operator presents, PEM, and a context that trusts one certificate. */
final class KubeconfigTls {
    private KubeconfigTls() {}

    /**
     * The last certificate of the chain the server presents (its root, or itself when self-signed),
     * read without judging it: the user runs this against their own operator and sees its fingerprint.
     */
    static X509Certificate presented(URI server) throws IOException, GeneralSecurityException {
        SSLContext look = SSLContext.getInstance("TLS");
        look.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
                // not a server
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                // only read here; the kubeconfig's user decides by its fingerprint
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        int port = server.getPort() < 0 ? 443 : server.getPort();
        try (SSLSocket socket = (SSLSocket) look.getSocketFactory().createSocket(server.getHost(), port)) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            Certificate[] chain = socket.getSession().getPeerCertificates();
            return (X509Certificate) chain[chain.length - 1];
        }
    }

    static X509Certificate readPem(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    static String pem(X509Certificate certificate) throws GeneralSecurityException {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .encodeToString(certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n";
    }

    static String fingerprint(X509Certificate certificate) throws GeneralSecurityException {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(certificate.getEncoded()));
    }

    /** A TLS context that trusts this certificate (as a CA) and nothing else. */
    static SSLContext trusting(X509Certificate certificate) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry("operator", certificate);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /** The status of GET /version, over TLS with {@code tls} when not null. */
    static int versionStatus(URI version, SSLContext tls, String token) throws IOException, InterruptedException {
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (tls != null) {
            client.sslContext(tls);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(version).timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token); // an operator that protects reads asks for it here too
        }
        return client.build().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
