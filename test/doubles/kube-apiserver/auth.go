package main

// Authentication: client certificates signed by the server's CA (user = CN,
// groups = O, as kube-apiserver's x509 authenticator) and two static bearer
// tokens; anything else, including no credentials, is a 401. Authorization:
// everything is allowed for every authenticated user except tsplay-denied,
// for whom the authorizer has no opinion, so every request of theirs is the
// real 403 Forbidden ("User \"tsplay-denied\" cannot ...").

import (
	"context"
	"crypto/x509"
	"net/http"
	"os"
	"path/filepath"

	"k8s.io/apiserver/pkg/authentication/authenticator"
	"k8s.io/apiserver/pkg/authentication/group"
	"k8s.io/apiserver/pkg/authentication/request/bearertoken"
	"k8s.io/apiserver/pkg/authentication/request/union"
	x509request "k8s.io/apiserver/pkg/authentication/request/x509"
	"k8s.io/apiserver/pkg/authentication/token/tokenfile"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizer"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

func newAuthenticator(p *pki) authenticator.Request {
	pool := x509.NewCertPool()
	pool.AddCert(p.caCertificate)
	certs := x509request.New(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}, x509request.CommonNameUserConversion)
	tokens := bearertoken.New(tokenfile.New(map[string]*user.DefaultInfo{
		p.adminToken:  {Name: adminUser, UID: "tsplay-admin", Groups: []string{"system:masters"}},
		p.deniedToken: {Name: deniedUser, UID: "tsplay-denied"},
	}))
	// as kube-apiserver's anonymous authentication limited to the health
	// paths: a request with no credentials is system:anonymous there and a
	// 401 everywhere else; bad credentials are a 401 on every path
	return union.NewFailOnError(group.NewAuthenticatedGroupAdder(union.New(certs, tokens)), anonymousHealth{})
}

type anonymousHealth struct{}

var healthPaths = map[string]bool{"/healthz": true, "/livez": true, "/readyz": true, "/version": true}

func (anonymousHealth) AuthenticateRequest(req *http.Request) (*authenticator.Response, bool, error) {
	if !healthPaths[req.URL.Path] {
		return nil, false, nil
	}
	return &authenticator.Response{User: &user.DefaultInfo{Name: user.Anonymous, Groups: []string{user.AllUnauthenticated}}}, true, nil
}

type allowAllButDenied struct{}

func (allowAllButDenied) Authorize(ctx context.Context, a authorizer.Attributes) (authorizer.Decision, string, error) {
	if a.GetUser() != nil && a.GetUser().GetName() == deniedUser {
		return authorizer.DecisionNoOpinion, "", nil
	}
	return authorizer.DecisionAllow, "", nil
}

// writeKubeconfig: contexts "tsplay" (admin client certificate, the
// default), "tsplay-token" (admin bearer token) and "tsplay-denied" (the
// user whose every request is forbidden); all verify the server with the CA.
func writeKubeconfig(path, server string, p *pki) error {
	c := clientcmdapi.NewConfig()
	c.Clusters["tsplay"] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: p.caPEM}
	c.AuthInfos["tsplay-admin"] = &clientcmdapi.AuthInfo{ClientCertificateData: p.adminCertPEM, ClientKeyData: p.adminKeyPEM}
	c.AuthInfos["tsplay-token"] = &clientcmdapi.AuthInfo{Token: p.adminToken}
	c.AuthInfos["tsplay-denied"] = &clientcmdapi.AuthInfo{Token: p.deniedToken}
	c.Contexts["tsplay"] = &clientcmdapi.Context{Cluster: "tsplay", AuthInfo: "tsplay-admin", Namespace: "default"}
	c.Contexts["tsplay-token"] = &clientcmdapi.Context{Cluster: "tsplay", AuthInfo: "tsplay-token", Namespace: "default"}
	c.Contexts["tsplay-denied"] = &clientcmdapi.Context{Cluster: "tsplay", AuthInfo: "tsplay-denied", Namespace: "default"}
	c.CurrentContext = "tsplay"
	data, err := clientcmd.Write(*c)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return writeFileAtomic(path, data, 0o600)
}
