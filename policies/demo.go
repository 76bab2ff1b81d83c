package policies

import (
	"bytes"
	_ "embed"
	"sync"
)

//go:embed demo.yaml
var demoYAML []byte

// DemoYAML returns the embedded demo policy text.
func DemoYAML() []byte { return bytes.Clone(demoYAML) }

var demo = sync.OnceValue(func() *Snapshot {
	s, err := LoadYAML(bytes.NewReader(demoYAML))
	if err != nil {
		panic("policies: embedded demo.yaml is invalid: " + err.Error()) // caught by TestDemo
	}
	return s
})

// Demo returns the snapshot of the embedded demo policy: AIS 999002 of OVM
// 12345678 (agenda X999, role XR2, ROB/ROS/RÚIAN services) and AIS 999003
// of OVM 87654321 (agenda X998, role XR1, E256 and E36 only). The snapshot
// is shared and immutable.
func Demo() *Snapshot { return demo() }
