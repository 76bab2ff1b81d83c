//go:build race

package cuzk_test

// gowsdl 0.5.0 writes one map from two goroutines in Start, so tests that
// run it as a library skip under the race detector.
const raceEnabled = true
