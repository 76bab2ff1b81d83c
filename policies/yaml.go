package policies

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"gopkg.in/yaml.v3"
)

// FormatVersion is the version of the local YAML format.
const FormatVersion = 1

// MaxYAMLSize bounds a policy YAML file.
const MaxYAMLSize = 64 << 20

// DecodeYAML reads a policy model from YAML (one document; unknown keys are
// errors) and validates it.
func DecodeYAML(r io.Reader) (*Model, error) { return decodeYAML(r, MaxYAMLSize) }

func decodeYAML(r io.Reader, limit int64) (*Model, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read policy: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: policy YAML larger than %d bytes", ErrInvalid, limit)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var m Model
	if err := dec.Decode(&m); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: empty policy", ErrInvalid)
		}
		return nil, fmt.Errorf("%w: %w", ErrInvalid, boundYAMLError(err))
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: yaml: more than one document", ErrInvalid)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

// LoadYAML reads a policy from YAML and compiles it.
func LoadYAML(r io.Reader) (*Snapshot, error) {
	m, err := DecodeYAML(r)
	if err != nil {
		return nil, err
	}
	return Compile(m)
}

// maxYAMLErrors bounds how many type errors a YAML error lists.
const maxYAMLErrors = 20

// boundYAMLError shortens a yaml.TypeError to its first problems, so that
// a hostile file cannot produce an unbounded message.
func boundYAMLError(err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) || len(te.Errors) <= maxYAMLErrors {
		return err
	}
	return fmt.Errorf("yaml: %s; and %d more", strings.Join(te.Errors[:maxYAMLErrors], "; "), len(te.Errors)-maxYAMLErrors)
}

// UnmarshalYAML accepts an item as a plain string (level R) or as a mapping
// {item, level}.
func (a *ItemAccess) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		a.Item, a.Level = n.Value, LevelRead
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: an item is a name or {item, level}", n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i].Value; k != "item" && k != "level" {
			return fmt.Errorf("line %d: field %s not found in item (item, level)", n.Content[i].Line, k)
		}
	}
	type plain ItemAccess
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*a = ItemAccess(p)
	if a.Level == "" {
		a.Level = LevelRead
	}
	return nil
}

var _ yaml.Unmarshaler = (*ItemAccess)(nil)
