// Package xsdcheck is test support: it validates XML against the official
// ISZR (eGON) schema set with xmllint.
//
// The official catalogue lives outside the module, in
// ../shared/reference/iszr/wsdl/ISZRDemo (relative to the module root). Its
// wsdl/ folder mixes 2012 common types with newer service schemas, so
// SchemaDir prepares a compiling copy: wsdl/ with xsddef-overlay/ copied on
// top (RegTypy 1.23.0, IszrAbstract 1.9.0). The copy lives only in a
// temporary directory, never in the repository.
//
// Every helper skips the calling test when xmllint or the reference folder
// is absent, so CI without them stays green.
package xsdcheck

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
)

// catalogueRel is the official catalogue relative to the reference folder.
const catalogueRel = "iszr/wsdl/ISZRDemo"

var (
	prepOnce sync.Once
	prepDir  string
	prepErr  error
)

// ReferenceDir returns ../shared/reference relative to the module root, or
// skips the test when that folder is absent.
func ReferenceDir(t testing.TB) string {
	t.Helper()
	dir, err := referenceDir()
	if err != nil {
		t.Skipf("xsdcheck: %v", err)
	}
	return dir
}

func referenceDir() (string, error) {
	return referenceSubdir(".", filepath.Join(catalogueRel, "wsdl"))
}

// referenceRoot is KONEKTOR_REFERENCE_DIR or, by default, ../shared/reference
// beside the module root.
func referenceRoot() (string, error) {
	if d := os.Getenv("KONEKTOR_REFERENCE_DIR"); d != "" {
		if _, err := os.Stat(d); err != nil {
			return "", fmt.Errorf("KONEKTOR_REFERENCE_DIR: %w", err)
		}
		return d, nil
	}
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", errors.New("cannot locate the xsdcheck source file")
	}
	dir := filepath.Dir(file)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("module root (go.mod) not found")
		}
		dir = parent
	}
	return filepath.Join(dir, "..", "shared", "reference"), nil
}

// referenceSubdir is rel under the reference root, provided every one of
// the files (relative to it) exists; which reports the first one absent.
func referenceSubdir(rel string, files ...string) (string, error) {
	root, err := referenceRoot()
	if err != nil {
		return "", err
	}
	d := filepath.Join(root, rel)
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(d, f)); err != nil {
			return "", fmt.Errorf("reference files absent: %w", err)
		}
	}
	return filepath.Clean(d), nil
}

// xmllint returns the xmllint path or skips the test.
func xmllint(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xsdcheck: xmllint not installed (apt-get install libxml2-utils)")
	}
	return p
}

// SchemaDir returns a directory holding a compiling copy of the official
// ISZR schema set (ISZRDemo/wsdl with ISZRDemo/xsddef-overlay on top). It
// is prepared once per process; the copy is cached in the system temporary
// directory under a name derived from the source files, so concurrent test
// binaries share one copy and a changed catalogue gets a fresh one.
func SchemaDir(t testing.TB) string {
	t.Helper()
	ref := ReferenceDir(t)
	prepOnce.Do(func() { prepDir, prepErr = prepare(filepath.Join(ref, catalogueRel)) })
	if prepErr != nil {
		t.Fatalf("xsdcheck: prepare schema set: %v", prepErr)
	}
	return prepDir
}

// prepare copies base and overlay into a cache directory keyed by a digest
// of their file names, sizes and modification times.
func prepare(catalogue string) (string, error) {
	base := filepath.Join(catalogue, "wsdl")
	overlay := filepath.Join(catalogue, "xsddef-overlay")
	sum := sha256.New()
	for _, root := range []string{base, overlay} {
		if err := digestTree(sum, root); err != nil {
			return "", err
		}
	}
	key := hex.EncodeToString(sum.Sum(nil))[:16]
	dst := filepath.Join(os.TempDir(), "konektor-xsdcheck-"+key)
	if _, err := os.Stat(filepath.Join(dst, ".complete")); err == nil {
		return dst, nil
	}
	tmp, err := os.MkdirTemp(os.TempDir(), "konektor-xsdcheck-build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	if err := copyTree(base, tmp); err != nil {
		return "", fmt.Errorf("copy %s: %w", base, err)
	}
	if err := copyTree(overlay, tmp); err != nil {
		return "", fmt.Errorf("copy overlay %s: %w", overlay, err)
	}
	if err := os.WriteFile(filepath.Join(tmp, ".complete"), nil, 0o644); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, dst); err != nil {
		// Another process won the race; use its copy if it is complete.
		if _, serr := os.Stat(filepath.Join(dst, ".complete")); serr == nil {
			return dst, nil
		}
		return "", fmt.Errorf("install schema copy: %w", err)
	}
	return dst, nil
}

func digestTree(w io.Writer, root string) error {
	var lines []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		lines = append(lines, fmt.Sprintf("%s %d %d", rel, info.Size(), info.ModTime().UnixNano()))
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(lines)
	_, err = io.WriteString(w, root+"\n"+strings.Join(lines, "\n"))
	return err
}

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}
