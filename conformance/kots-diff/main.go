// Oracle for kots-core's KOTS diff summary (kots-internals §7.1): reads JSON lines
// {"name", "base", "updated"} on stdin and writes {"name", "added", "removed"} computed as KOTS's
// pkg/apparchive/diff.go (diffContent) does with go-diff v1.4.0.
//
// Debian ships go-diff 1.2.0, whose DiffLinesToChars/DiffCharsToLines encode line indices as
// comma-separated decimal text (fixed in 1.3.0). Its diff core (DiffMainRunes, bisect, half-match,
// DiffCleanupMerge) is unchanged in 1.4.0, so this oracle maps lines to runes the way 1.4.0 does
// (one rune per distinct line, shared by both texts) and calls DiffMainRunes directly.
//
// Build outside the repository, e.g.:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o /work/tgt/go/kots-diff-oracle .
package main

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

type testCase struct {
	Name    string `json:"name"`
	Base    string `json:"base"`
	Updated string `json:"updated"`
}

type result struct {
	Name    string `json:"name"`
	Added   int    `json:"added"`
	Removed int    `json:"removed"`
}

// lines splits like go-diff's diffLinesToStringsMunge: each line keeps its "\n".
func lines(text string) []string {
	var out []string
	for len(text) > 0 {
		i := strings.IndexByte(text, '\n')
		if i < 0 {
			out = append(out, text)
			break
		}
		out = append(out, text[:i+1])
		text = text[i+1:]
	}
	return out
}

// encode maps each distinct line to a distinct rune, skipping the surrogate range.
func encode(text string, table map[string]rune, array *[]string) []rune {
	var out []rune
	for _, line := range lines(text) {
		r, ok := table[line]
		if !ok {
			n := rune(len(*array))
			if n >= 0xD800 {
				n += 0x800
			}
			r = n
			table[line] = r
			*array = append(*array, line)
		}
		out = append(out, r)
	}
	return out
}

// diffContent is KOTS's, with the line encoding above.
func diffContent(base, updated string) (int, int) {
	dmp := diffmatchpatch.New()
	table := map[string]rune{}
	array := []string{""}
	a := encode(base, table, &array)
	b := encode(updated, table, &array)
	decode := func(text string) string {
		var sb strings.Builder
		for _, r := range text {
			i := int(r)
			if i >= 0xD800+0x800 {
				i -= 0x800
			}
			sb.WriteString(array[i])
		}
		return sb.String()
	}
	added, removed := 0, 0
	for _, d := range dmp.DiffMainRunes(a, b, false) {
		scanner := bufio.NewScanner(strings.NewReader(decode(d.Text)))
		for scanner.Scan() {
			if d.Type == diffmatchpatch.DiffDelete {
				removed++
			} else if d.Type == diffmatchpatch.DiffInsert {
				added++
			}
		}
	}
	return added, removed
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var c testCase
		if err := json.Unmarshal(in.Bytes(), &c); err != nil {
			panic(err)
		}
		added, removed := diffContent(c.Base, c.Updated)
		if err := out.Encode(result{c.Name, added, removed}); err != nil {
			panic(err)
		}
	}
	if err := in.Err(); err != nil {
		panic(err)
	}
}
