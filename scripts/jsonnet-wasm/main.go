// A go-jsonnet evaluator for the action, built for GOOS=js GOARCH=wasm (see build.mjs).
//
// It exposes one synchronous function to JavaScript, set on globalThis under the name in os.Args[1]:
//
//	evaluate(request string, importer func, native func) string
//
// request is JSON: {file, source, extStr, extCode, natives: [{name, params}]}. file names the top-level
// file as the user wrote it; source is its text. importer(importedFrom, importedPath) returns JSON
// {foundAt, contents} or {missing: true} or {error}: the JavaScript side reads files, relative to the
// importing file as go-jsonnet's FileImporter does. native(name, argsJSON) returns JSON {value} or {error}.
// The result is JSON: {json} on success, or {error: {message, text, frames}} with go-jsonnet's positions.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"syscall/js"

	"github.com/google/go-jsonnet"
	"github.com/google/go-jsonnet/ast"
)

type nativeSpec struct {
	Name   string   `json:"name"`
	Params []string `json:"params"`
}

type request struct {
	File    string            `json:"file"`
	Source  string            `json:"source"`
	ExtStr  map[string]string `json:"extStr"`
	ExtCode map[string]string `json:"extCode"`
	Natives []nativeSpec      `json:"natives"`
}

type frame struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"endLine"`
	EndColumn int    `json:"endColumn"`
	Name      string `json:"name,omitempty"`
}

type evalError struct {
	// Message is go-jsonnet's first line ("RUNTIME ERROR: …", "STATIC ERROR: …" without the position).
	Message string `json:"message"`
	// Text is the whole message as the jsonnet command prints it, stack trace included.
	Text   string  `json:"text"`
	Frames []frame `json:"frames"`
}

// structuredFormatter keeps go-jsonnet's own text and adds the positions as data.
type structuredFormatter struct{ inner jsonnet.ErrorFormatter }

func (f structuredFormatter) SetMaxStackTraceSize(size int) { f.inner.SetMaxStackTraceSize(size) }
func (f structuredFormatter) SetColorFormatter(color jsonnet.ColorFormatter) {
	f.inner.SetColorFormatter(color)
}

func toFrame(loc ast.LocationRange, name string) frame {
	return frame{loc.FileName, loc.Begin.Line, loc.Begin.Column, loc.End.Line, loc.End.Column, name}
}

func (f structuredFormatter) Format(err error) string {
	out := evalError{Message: err.Error(), Text: f.inner.Format(err), Frames: []frame{}}
	switch e := err.(type) {
	case jsonnet.RuntimeError:
		for _, tf := range e.StackTrace {
			out.Frames = append(out.Frames, toFrame(tf.Loc, tf.Name))
		}
	case interface{ Loc() ast.LocationRange }:
		out.Frames = append(out.Frames, toFrame(e.Loc(), ""))
	}
	b, _ := json.Marshal(out)
	return string(b)
}

// jsImporter asks the JavaScript side for each file once and caches the answer, as go-jsonnet requires the
// same contents for the same path.
type jsImporter struct {
	callback js.Value
	cache    map[string]*cached
}

type cached struct {
	contents jsonnet.Contents
	foundAt  string
	missing  bool
	err      string
}

func (im *jsImporter) Import(importedFrom, importedPath string) (jsonnet.Contents, string, error) {
	dir, _ := filepath.Split(importedFrom)
	key := filepath.Join(dir, importedPath)
	if filepath.IsAbs(importedPath) {
		key = importedPath
	}
	entry, ok := im.cache[key]
	if !ok {
		var reply struct {
			FoundAt  string `json:"foundAt"`
			Contents string `json:"contents"`
			Missing  bool   `json:"missing"`
			Error    string `json:"error"`
		}
		answer := im.callback.Invoke(key).String()
		if err := json.Unmarshal([]byte(answer), &reply); err != nil {
			return jsonnet.Contents{}, "", fmt.Errorf("importer: %v", err)
		}
		entry = &cached{jsonnet.MakeContents(reply.Contents), reply.FoundAt, reply.Missing, reply.Error}
		im.cache[key] = entry
	}
	if entry.err != "" {
		return jsonnet.Contents{}, "", fmt.Errorf("%s", entry.err)
	}
	if entry.missing {
		// go-jsonnet's FileImporter's words.
		return jsonnet.Contents{}, "", fmt.Errorf("couldn't open import %#v: no match locally or in the Jsonnet library paths", importedPath)
	}
	return entry.contents, entry.foundAt, nil
}

func native(callback js.Value, spec nativeSpec) *jsonnet.NativeFunction {
	params := make(ast.Identifiers, len(spec.Params))
	for i, p := range spec.Params {
		params[i] = ast.Identifier(p)
	}
	return &jsonnet.NativeFunction{
		Name:   spec.Name,
		Params: params,
		Func: func(args []interface{}) (interface{}, error) {
			encoded, err := json.Marshal(args)
			if err != nil {
				return nil, err
			}
			var reply struct {
				Value *json.RawMessage `json:"value"`
				Error *string          `json:"error"`
			}
			answer := callback.Invoke(spec.Name, string(encoded)).String()
			if err := json.Unmarshal([]byte(answer), &reply); err != nil {
				return nil, fmt.Errorf("%s: %v", spec.Name, err)
			}
			if reply.Error != nil {
				return nil, fmt.Errorf("%s", *reply.Error)
			}
			var value interface{}
			if reply.Value != nil {
				if err := json.Unmarshal(*reply.Value, &value); err != nil {
					return nil, fmt.Errorf("%s: %v", spec.Name, err)
				}
			}
			return value, nil
		},
	}
}

func reply(v interface{}) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func evaluate(this js.Value, args []js.Value) interface{} {
	if len(args) != 3 {
		return reply(map[string]string{"fatal": "evaluate takes (request, importer, native)"})
	}
	var req request
	if err := json.Unmarshal([]byte(args[0].String()), &req); err != nil {
		return reply(map[string]string{"fatal": err.Error()})
	}
	vm := jsonnet.MakeVM()
	vm.ErrorFormatter = structuredFormatter{vm.ErrorFormatter}
	importer := &jsImporter{callback: args[1], cache: map[string]*cached{}}
	// The top-level file is the one the caller read: imports of it resolve through the same cache.
	file := filepath.Clean(req.File)
	importer.cache[file] = &cached{contents: jsonnet.MakeContents(req.Source), foundAt: file}
	vm.Importer(importer)
	for k, v := range req.ExtStr {
		vm.ExtVar(k, v)
	}
	for k, v := range req.ExtCode {
		vm.ExtCode(k, v)
	}
	for _, spec := range req.Natives {
		vm.NativeFunction(native(args[2], spec))
	}
	out, err := vm.EvaluateFile(file)
	if err != nil {
		var structured evalError
		if json.Unmarshal([]byte(err.Error()), &structured) != nil {
			structured = evalError{Message: err.Error(), Text: err.Error(), Frames: []frame{}}
		}
		return reply(map[string]interface{}{"error": structured})
	}
	return reply(map[string]string{"json": out})
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: jsonnet.wasm GLOBAL_NAME")
		os.Exit(2)
	}
	js.Global().Set(os.Args[1], js.FuncOf(evaluate))
	select {}
}
