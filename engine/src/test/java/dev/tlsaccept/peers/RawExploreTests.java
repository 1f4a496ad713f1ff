package dev.tlsaccept.peers;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RawExploreTests {
    @TempDir Path dir;

    @Test
    void explore() throws Exception {
        TestPki pki = TestPki.create(dir);
        RawClient c = new RawClient(Duration.ofSeconds(2));
        java.util.Map<String, Function<Integer, RawResult>> cases = new java.util.LinkedHashMap<>();
        cases.put("e http", p -> c.plaintextHttp("127.0.0.1", p));
        cases.put("f connectClose", p -> c.connectAndClose("127.0.0.1", p));
        cases.put("g halfHello", p -> c.halfClientHelloThenClose("127.0.0.1", p));
        cases.put("h flight13", p -> c.fullClientHelloReadFlightThenClose("127.0.0.1", p));
        cases.put("h flight12", p -> c.fullClientHelloReadFlightThenClose("127.0.0.1", p, "TLSv1.2"));
        cases.put("i closeNotify", p -> c.fullClientHelloThenAlert("127.0.0.1", p, (byte) 1, (byte) 0));
        cases.put("j fatal40", p -> c.fullClientHelloThenAlert("127.0.0.1", p, (byte) 2, (byte) 40));
        cases.put("k oversized", p -> c.oversizedRecord("127.0.0.1", p));
        cases.put("l stall", p -> c.stall("127.0.0.1", p, Duration.ofMillis(800)));
        cases.put("m reset", p -> c.halfClientHelloThenReset("127.0.0.1", p));
        for (var e : cases.entrySet()) {
            for (String kind : new String[] {"openssl", "jdk"}) {
                if (kind.equals("openssl")) {
                    try (OpenSslServer s = OpenSslServer.start(pki.serverCert(), pki.serverKey())) {
                        long t = System.nanoTime();
                        RawResult r = e.getValue().apply(s.port());
                        s.awaitOutput("ERROR\n", Duration.ofMillis(500));
                        System.out.println(kind + " " + e.getKey() + " " + (System.nanoTime() - t) / 1_000_000 + "ms " + r
                                + " records=" + RawClient.records(r.bytesReceived()) + " alert=" + r.plaintextAlert()
                                + "\n   server: " + s.output().replace("\n", " | "));
                    }
                } else {
                    try (JdkTlsServer s = JdkTlsServer.start(pki.serverContext(), ss -> { })) {
                        long t = System.nanoTime();
                        RawResult r = e.getValue().apply(s.port());
                        JdkTlsServer.Outcome o = s.awaitOutcome(Duration.ofSeconds(2));
                        System.out.println(kind + " " + e.getKey() + " " + (System.nanoTime() - t) / 1_000_000 + "ms " + r
                                + " records=" + RawClient.records(r.bytesReceived()) + " alert=" + r.plaintextAlert()
                                + "\n   server: " + (o == null ? null : o.error()));
                    }
                }
            }
        }
    }
}
