// Reads JSON-encoded [constraint, version, other] triples, one a line, and prints for each what
// github.com/hashicorp/go-version (the library ecspresso checks required_version with) says: whether the
// constraint parses and the version satisfies it, and how the version compares with the other one.
// For the differential test in ../go-version-differential.test.ts.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	version "github.com/hashicorp/go-version"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		var triple [3]string
		if err := json.Unmarshal(in.Bytes(), &triple); err != nil {
			fmt.Fprintf(out, "bad input: %v\n", err)
			continue
		}
		check := "malformed-constraint"
		compare := "malformed-version"
		v, verr := version.NewVersion(triple[1])
		if constraints, err := version.NewConstraint(triple[0]); err == nil && verr == nil {
			check = fmt.Sprint(constraints.Check(v))
		} else if err == nil {
			check = "malformed-version"
		}
		if other, err := version.NewVersion(triple[2]); err == nil && verr == nil {
			compare = fmt.Sprint(v.Compare(other))
		}
		fmt.Fprintf(out, "%s %s\n", check, compare)
	}
}
