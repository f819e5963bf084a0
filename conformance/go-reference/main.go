// Oracle for kots-core's image references: reads one reference per line on stdin and writes one
// JSON line per input with what Docker's reference package (github.com/docker/distribution/reference,
// Debian's golang-github-docker-distribution-dev) computes:
//
//	{"input", "normalized", "familiar", "domain", "path", "tag", "digest"}   or   {"input", "error"}
//
// normalized = TagNameOnly(ParseNormalizedNamed(s)).String(); familiar = FamiliarString of the
// parsed name (no default tag); tag = the tag of the TagNameOnly form; absent fields are omitted.
//
// Build outside the repository, e.g.:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o /work/tgt/go/kots-reference-oracle .
package main

import (
	"bufio"
	_ "crypto/sha256" // register the digest algorithms a KOTS binary has
	_ "crypto/sha512"
	"encoding/json"
	"os"

	"github.com/docker/distribution/reference"
)

type result struct {
	Input      string `json:"input"`
	Normalized string `json:"normalized,omitempty"`
	Familiar   string `json:"familiar,omitempty"`
	Domain     string `json:"domain,omitempty"`
	Path       string `json:"path,omitempty"`
	Tag        string `json:"tag,omitempty"`
	Digest     string `json:"digest,omitempty"`
	Error      string `json:"error,omitempty"`
}

func parse(s string) result {
	named, err := reference.ParseNormalizedNamed(s)
	if err != nil {
		return result{Input: s, Error: err.Error()}
	}
	tagged := reference.TagNameOnly(named)
	r := result{
		Input:      s,
		Normalized: tagged.String(),
		Familiar:   reference.FamiliarString(named),
		Domain:     reference.Domain(named),
		Path:       reference.Path(named),
	}
	if t, ok := tagged.(reference.Tagged); ok {
		r.Tag = t.Tag()
	}
	if d, ok := named.(reference.Digested); ok {
		r.Digest = d.Digest().String()
	}
	return r
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for in.Scan() {
		if err := enc.Encode(parse(in.Text())); err != nil {
			os.Exit(1)
		}
	}
	if err := in.Err(); err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
}
