// Reads JSON-encoded strings, one a line, and prints for each "ok" or "error: <reason>" as
// github.com/distribution/reference parses it: the reference implementation of the image reference grammar,
// for the differential test in ../reference-differential.test.ts.
package main

import (
	"bufio"
	// Registered as container runtimes register them: digests of these algorithms are checked, others refused.
	_ "crypto/sha256"
	_ "crypto/sha512"
	"encoding/json"
	"fmt"
	"os"

	"github.com/distribution/reference"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		var image string
		if err := json.Unmarshal(in.Bytes(), &image); err != nil {
			fmt.Fprintf(out, "bad input: %v\n", err)
			continue
		}
		if _, err := reference.Parse(image); err != nil {
			fmt.Fprintf(out, "error: %v\n", err)
		} else {
			fmt.Fprintln(out, "ok")
		}
	}
}
