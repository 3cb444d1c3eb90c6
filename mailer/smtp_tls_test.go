package mailer

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"math/big"
	"net"
	"testing"
	"time"
)

// testCert is a self-signed certificate for 127.0.0.1 and a client config
// trusting it.
func testCert(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}},
		&tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}

func TestSMTPDriver_TLSPolicies(t *testing.T) {
	serverTLS, clientTLS := testCert(t)
	for _, tc := range []struct {
		name, policy      string
		serverTLS         bool
		implicit, deliver bool
	}{
		{"mandatory STARTTLS offered", "starttls", true, false, true},
		{"mandatory STARTTLS not offered", "starttls", false, false, false},
		{"opportunistic STARTTLS not offered", "starttls-opportunistic", false, false, true},
		{"implicit TLS", "tls", true, true, true},
		{"implicit TLS against plain SMTP", "tls", false, false, false},
		{"no TLS", "none", false, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := &smtpServer{t: t, addr: "127.0.0.1:0", refuse: map[string]int{}, implicit: tc.implicit}
			if tc.serverTLS {
				srv.tlsConfig = serverTLS
			}
			srv.start()
			defer srv.stop()
			d, err := NewSMTPDriver(SMTPConfig{Host: "127.0.0.1", Port: srv.port(), TLS: tc.policy,
				Timeout: 3 * time.Second, TLSConfig: clientTLS})
			if err != nil {
				t.Fatal(err)
			}
			env, _ := goldenCases()[0].build(testComposer(t))
			errs := d.Send(context.Background(), []*Message{decodeEnvelope(t, env)})
			if delivered := errs[0] == nil && len(srv.received()) == 1; delivered != tc.deliver {
				t.Fatalf("delivered = %v (err %v), want %v", delivered, errs[0], tc.deliver)
			}
			if errs[0] != nil && IsPermanent(errs[0]) {
				t.Errorf("a TLS failure must be retried, not permanent: %v", errs[0])
			}
		})
	}
}
