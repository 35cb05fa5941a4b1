package memserver

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
)

// continueToken is kube-apiserver's continue token: base64 of
// {"v":"meta.k8s.io/v1","rv":N,"start":"KEY\u0000"}.
type continueToken struct {
	APIVersion string `json:"v"`
	RV         int64  `json:"rv"`
	Start      string `json:"start"`
}

// encodeContinue makes the token that resumes a list after lastKey at rv.
func encodeContinue(lastKey string, rv uint64) string {
	b, _ := json.Marshal(continueToken{APIVersion: "meta.k8s.io/v1", RV: int64(rv), Start: lastKey + "\x00"})
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeContinue parses a token with the server's checks and messages.
func decodeContinue(s string) (*continueToken, error) {
	data, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("continue key is not valid: %v", err)
	}
	var t continueToken
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, fmt.Errorf("continue key is not valid: %v", err)
	}
	if t.APIVersion != "meta.k8s.io/v1" {
		return nil, fmt.Errorf("continue key is not valid: server does not recognize this encoded key")
	}
	if t.RV <= 0 {
		return nil, fmt.Errorf("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
	}
	if len(t.Start) == 0 || strings.HasPrefix(t.Start, "/") || strings.Contains(t.Start, "/../") || strings.HasSuffix(t.Start, "/..") || t.Start == ".." {
		return nil, fmt.Errorf("continue key is not valid: %s", "continue key is not valid")
	}
	return &t, nil
}
