package memserver

import (
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sort"
	"sync"
)

//go:embed testdata/surface-*.json.gz
var recordings embed.FS

// DefaultVersion is the Kubernetes version whose recorded API surface
// [DefaultSurface] serves: the default version of test/cluster.
const DefaultVersion = "v1.37.2"

// Surface is a recorded API surface of one kube-apiserver: its /version,
// its discovery documents (aggregated v2 and legacy) and its OpenAPI v3
// documents per group-version. It is immutable and safe to share between
// servers.
type Surface struct {
	rec       recording
	resources []*resource // built-in resources, from aggregated discovery
	builtinGV map[schema.GroupVersion]bool
	docs      sync.Map // OpenAPI path -> decompressed document, built lazily
	schemas   sync.Map // group-version -> *gvSchemas, built lazily
}

// recording is the file format of a recorded surface (gzip-compressed JSON).
type recording struct {
	// Version is the server's gitVersion, e.g. "v1.37.2".
	Version string `json:"version"`
	// VersionInfo is the body of /version.
	VersionInfo json.RawMessage `json:"versionInfo"`
	// Legacy maps a discovery path (/api, /apis, /api/v1, /apis/G/V) to
	// its unaggregated body.
	Legacy map[string]json.RawMessage `json:"legacy"`
	// Aggregated maps /api and /apis to their APIGroupDiscoveryList (v2).
	Aggregated map[string]json.RawMessage `json:"aggregated"`
	// OpenAPI maps a group-version path ("api/v1", "apis/apps/v1") to its
	// OpenAPI v3 document, gzip-compressed on its own so that a process
	// decompresses and parses only the documents it uses.
	OpenAPI map[string][]byte `json:"openapiGzip"`
}

var defaultSurface = sync.OnceValues(func() (*Surface, error) {
	return loadSurface("testdata/surface-" + DefaultVersion + ".json.gz")
})

// DefaultSurface is the recorded built-in API of [DefaultVersion]. It is
// decoded once per process.
func DefaultSurface() (*Surface, error) { return defaultSurface() }

// Version is the recorded server's gitVersion.
func (s *Surface) Version() string { return s.rec.Version }

func loadSurface(name string) (*Surface, error) {
	raw, err := recordings.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("load recorded surface %s: %w", name, err)
	}
	s, err := ParseSurface(raw)
	if err != nil {
		return nil, fmt.Errorf("load recorded surface %s: %w", name, err)
	}
	return s, nil
}

// ParseSurface decodes a recorded surface (gzip-compressed or plain JSON,
// as written by the recorder, see record_test.go).
func ParseSurface(data []byte) (*Surface, error) {
	plain, err := gunzipMaybe(data)
	if err != nil {
		return nil, err
	}
	s := &Surface{}
	if err := json.Unmarshal(plain, &s.rec); err != nil {
		return nil, fmt.Errorf("decode surface: %w", err)
	}
	if s.rec.Aggregated["/api"] == nil || s.rec.Aggregated["/apis"] == nil {
		return nil, fmt.Errorf("decode surface: no aggregated discovery for /api and /apis")
	}
	s.resources, err = resourcesFromAggregated(s.rec.Aggregated["/api"], s.rec.Aggregated["/apis"])
	if err != nil {
		return nil, err
	}
	s.builtinGV = map[schema.GroupVersion]bool{}
	for _, r := range s.resources {
		s.builtinGV[r.gvr.GroupVersion()] = true
	}
	return s, nil
}

// openAPIDocument is the recorded OpenAPI v3 document at path p
// ("apis/apps/v1"), decompressed on first use.
func (s *Surface) openAPIDocument(p string) ([]byte, bool) {
	if d, ok := s.docs.Load(p); ok {
		return d.([]byte), true
	}
	gz, ok := s.rec.OpenAPI[p]
	if !ok {
		return nil, false
	}
	d, err := gunzipMaybe(gz)
	if err != nil {
		return nil, false
	}
	s.docs.Store(p, d)
	return d, true
}

// gzipBytes compresses b.
func gzipBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// encodeRecording writes r as gzip-compressed JSON with sorted keys.
func encodeRecording(r *recording) ([]byte, error) {
	plain, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(plain); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func gunzipMaybe(data []byte) ([]byte, error) {
	if len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
		return data, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decompress surface: %w", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("decompress surface: %w", err)
	}
	return out, nil
}

// openAPIPaths lists the recorded OpenAPI group-version paths, sorted.
func (s *Surface) openAPIPaths() []string {
	out := make([]string, 0, len(s.rec.OpenAPI))
	for k := range s.rec.OpenAPI {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
