package main

// The server's PKI, made on first start in the cert dir and reused after:
// a CA, a serving certificate for 127.0.0.1/localhost/::1 (and the address
// it listens on, when that is a specific IP such as the docker bridge
// gateway lab containers reach it through) signed by it, an
// admin client certificate (CN tsplay-admin, O system:masters) and two
// bearer tokens (admin, and a user every request of whom is forbidden).

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

type pki struct {
	caPEM         []byte
	servingCert   string // path
	servingKey    string // path
	adminCertPEM  []byte
	adminKeyPEM   []byte
	adminToken    string
	deniedToken   string
	caCertificate *x509.Certificate
}

const (
	adminUser  = "tsplay-admin"
	deniedUser = "tsplay-denied"
)

func loadOrCreatePKI(dir string, extraIPs []net.IP) (*pki, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	p := &pki{servingCert: filepath.Join(dir, "serving.crt"), servingKey: filepath.Join(dir, "serving.key")}
	caCrt, caKeyFile := filepath.Join(dir, "ca.crt"), filepath.Join(dir, "ca.key")
	if _, err := os.Stat(filepath.Join(dir, "tokens")); err != nil {
		if err := createPKI(dir, extraIPs); err != nil {
			return nil, err
		}
	}
	var err error
	if p.caPEM, err = os.ReadFile(caCrt); err != nil {
		return nil, err
	}
	if _, err = os.Stat(caKeyFile); err != nil {
		return nil, err
	}
	block, _ := pem.Decode(p.caPEM)
	if block == nil {
		return nil, fmt.Errorf("%s: no PEM block", caCrt)
	}
	if p.caCertificate, err = x509.ParseCertificate(block.Bytes); err != nil {
		return nil, err
	}
	if p.adminCertPEM, err = os.ReadFile(filepath.Join(dir, "admin.crt")); err != nil {
		return nil, err
	}
	if p.adminKeyPEM, err = os.ReadFile(filepath.Join(dir, "admin.key")); err != nil {
		return nil, err
	}
	tokens, err := os.ReadFile(filepath.Join(dir, "tokens"))
	if err != nil {
		return nil, err
	}
	lines := strings.Fields(string(tokens))
	if len(lines) != 2 {
		return nil, fmt.Errorf("%s: want 2 tokens", filepath.Join(dir, "tokens"))
	}
	p.adminToken, p.deniedToken = lines[0], lines[1]
	return p, nil
}

func createPKI(dir string, extraIPs []net.IP) error {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	now := time.Now().Add(-time.Hour)
	caTmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "tsplay-test-kube-ca"},
		NotBefore:             now,
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	ca, _ := x509.ParseCertificate(caDER)
	issue := func(name string, tmpl *x509.Certificate) error {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return err
		}
		tmpl.SerialNumber = serial()
		tmpl.NotBefore = now
		tmpl.NotAfter = now.Add(10 * 365 * 24 * time.Hour)
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		if err != nil {
			return err
		}
		return writeKeyPair(dir, name, der, key)
	}
	if err := issue("serving", &x509.Certificate{
		Subject:     pkix.Name{CommonName: "tsplay-test-kube-apiserver"},
		DNSNames:    []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"},
		IPAddresses: append([]net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")}, extraIPs...),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}); err != nil {
		return err
	}
	if err := issue("admin", &x509.Certificate{
		Subject:     pkix.Name{CommonName: adminUser, Organization: []string{"system:masters"}},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}); err != nil {
		return err
	}
	if err := writeKeyPair(dir, "ca", caDER, caKey); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, "tokens"), []byte(randomHex(24)+"\n"+randomHex(24)+"\n"), 0o600)
}

func writeKeyPair(dir, name string, der []byte, key *ecdsa.PrivateKey) error {
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(dir, name+".key"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, name+".crt"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
}

func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, mode); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	return n
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// servingIPs: the listen address's IP when it is a specific one other than loopback.
func servingIPs(listen string) []net.IP {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || ip.IsLoopback() || ip.IsUnspecified() {
		return nil
	}
	return []net.IP{ip}
}
