// Command go-template-oracle renders Go text/template (with sprig's TxtFuncMap) for the
// differential conformance tests of kots-render's template engine.
//
// Protocol (identical to `kots template`): JSON lines on stdin,
// {"template": T, "data": D, "delims": [L, R], "name": N}, data/delims/name optional
// (name defaults to "template"); one line per input on stdout, in order:
// {"output": O} or {"error": E}. Data is decoded into interface{}, so every number is a float64.
//
// Flags: -repeat N renders each case N times (benchmarking); -preparsed parses once and executes
// N times; -timing prints the total rendering time as time_ns=N on stderr.
//
// Build (outside git): GO111MODULE=off GOPATH=/usr/share/gocode go build -o /work/tgt/go/go-template-oracle .
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"text/template"
	"time"

	"github.com/Masterminds/sprig"
)

type testCase struct {
	Template string          `json:"template"`
	Data     json.RawMessage `json:"data"`
	Delims   []string        `json:"delims"`
	Name     *string         `json:"name"`
}

type outcome struct {
	Output *string `json:"output,omitempty"`
	Error  *string `json:"error,omitempty"`
}

func render(c *testCase, data interface{}, repeat int, preparsed bool) (string, error) {
	name := "template"
	if c.Name != nil {
		name = *c.Name
	}
	left, right := "", ""
	if len(c.Delims) == 2 {
		left, right = c.Delims[0], c.Delims[1]
	}
	parse := func() (*template.Template, error) {
		return template.New(name).Delims(left, right).Funcs(sprig.TxtFuncMap()).Parse(c.Template)
	}
	var out string
	var err error
	if preparsed {
		t, perr := parse()
		if perr != nil {
			return "", perr
		}
		for i := 0; i < repeat; i++ {
			var buf bytes.Buffer
			err = t.Execute(&buf, data)
			out = buf.String()
		}
		return out, err
	}
	for i := 0; i < repeat; i++ {
		t, perr := parse()
		if perr != nil {
			return "", perr
		}
		var buf bytes.Buffer
		err = t.Execute(&buf, data)
		out = buf.String()
	}
	return out, err
}

func main() {
	repeat := flag.Int("repeat", 1, "render each case this many times")
	preparsed := flag.Bool("preparsed", false, "parse once, execute -repeat times")
	timing := flag.Bool("timing", false, "print total rendering time on stderr")
	flag.Parse()
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	var total time.Duration
	line := 0
	for in.Scan() {
		line++
		text := bytes.TrimSpace(in.Bytes())
		if len(text) == 0 {
			continue
		}
		var c testCase
		var o outcome
		if err := json.Unmarshal(text, &c); err != nil {
			msg := fmt.Sprintf("input line %d: %v", line, err)
			o.Error = &msg
			enc.Encode(o)
			continue
		}
		var data interface{}
		if len(c.Data) > 0 {
			if err := json.Unmarshal(c.Data, &data); err != nil {
				msg := fmt.Sprintf("input line %d: %v", line, err)
				o.Error = &msg
				enc.Encode(o)
				continue
			}
		}
		start := time.Now()
		out, err := safeRender(&c, data, *repeat, *preparsed)
		total += time.Since(start)
		if err != nil {
			msg := err.Error()
			o.Error = &msg
		} else {
			o.Output = &out
		}
		enc.Encode(o)
	}
	if *timing {
		fmt.Fprintf(os.Stderr, "time_ns=%d\n", total.Nanoseconds())
	}
}

// safeRender turns a panic escaping text/template (a runtime error in a function) into an error
// line, so one case cannot stop the run.
func safeRender(c *testCase, data interface{}, repeat int, preparsed bool) (out string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	if repeat < 1 {
		repeat = 1
	}
	return render(c, data, repeat, preparsed)
}
