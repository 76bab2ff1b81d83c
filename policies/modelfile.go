package policies

import (
	"bufio"
	"encoding/gob"
	"fmt"
	"io"
	"os"
)

// The model file is what `konektor policy import-rpp` writes: the imported
// RPP model in gob encoding, loaded at start-up (and on reload) under the
// local YAML. It is the connector's own file, not input from callers.

// modelMagic starts a model file.
const modelMagic = "konektor-policy-model/1\n"

// Save writes m as a model file.
func (m *Model) Save(w io.Writer) error {
	bw := bufio.NewWriter(w)
	if _, err := io.WriteString(bw, modelMagic); err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	if err := gob.NewEncoder(bw).Encode(m); err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	return nil
}

// LoadModel reads a model file written by Save and validates it.
func LoadModel(r io.Reader) (*Model, error) {
	br := bufio.NewReader(r)
	magic := make([]byte, len(modelMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != modelMagic {
		return nil, fmt.Errorf("%w: not a konektor policy model file", ErrInvalid)
	}
	var m Model
	if err := gob.NewDecoder(br).Decode(&m); err != nil {
		return nil, fmt.Errorf("%w: model file: %w", ErrInvalid, err)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

// Sources names the files a policy is built from: an optional model file
// written by import-rpp, then local YAML files merged over it in order.
type Sources struct {
	ModelFile string
	YAML      []string
}

// Paths lists the files to watch.
func (src Sources) Paths() []string {
	var p []string
	if src.ModelFile != "" {
		p = append(p, src.ModelFile)
	}
	return append(p, src.YAML...)
}

// Load reads and merges the sources and compiles the snapshot; use it as the
// load function of Holder.Reload and Holder.Watch.
func (src Sources) Load() (*Snapshot, error) {
	m := &Model{}
	if src.ModelFile != "" {
		base, err := loadFile(src.ModelFile, LoadModel)
		if err != nil {
			return nil, err
		}
		m = base
	}
	for _, p := range src.YAML {
		o, err := loadFile(p, DecodeYAML)
		if err != nil {
			return nil, err
		}
		m.Merge(o)
	}
	return Compile(m)
}

func loadFile(path string, read func(io.Reader) (*Model, error)) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	defer f.Close()
	m, err := read(f)
	if err != nil {
		return nil, fmt.Errorf("policy %s: %w", path, err)
	}
	return m, nil
}
