// Renders templates with Go's text/template, for the differential test in
// __tests__/render/template-differential.test.ts. Reads JSON lines {"t": template, "env": {...}, "data": ...}
// and prints for each a JSON line {"out": output} or {"err": message}. Standard library only.
//
// The template is named and given functions as kayac/go-config's loader does for ecspresso ("conf"; env,
// must_env, json_escape), the functions reading the case's env object instead of the process environment.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/template"
)

type request struct {
	T    string            `json:"t"`
	Env  map[string]string `json:"env"`
	Data any               `json:"data"`
}

type response struct {
	Out *string `json:"out,omitempty"`
	Err *string `json:"err,omitempty"`
}

func funcs(env map[string]string) template.FuncMap {
	return template.FuncMap{
		"env": func(keys ...string) string {
			v := ""
			for _, k := range keys {
				v = env[k]
				if v != "" {
					return v
				}
				v = k
			}
			return v
		},
		"must_env": func(key string) string {
			if v, ok := env[key]; ok {
				return v
			}
			panic(fmt.Sprintf("environment variable %s is not defined", key))
		},
		"json_escape": func(s string) string {
			b, _ := json.Marshal(s)
			return string(b[1 : len(b)-1])
		},
	}
}

func render(req request) (out string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	tmpl, err := template.New("conf").Funcs(funcs(req.Env)).Parse(req.T)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := tmpl.Execute(&b, req.Data); err != nil {
		return "", err
	}
	return b.String(), nil
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 16<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for in.Scan() {
		var req request
		var resp response
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			msg := "bad request: " + err.Error()
			resp.Err = &msg
		} else if text, err := render(req); err != nil {
			msg := err.Error()
			resp.Err = &msg
		} else {
			resp.Out = &text
		}
		if err := enc.Encode(resp); err != nil {
			panic(err)
		}
	}
}
