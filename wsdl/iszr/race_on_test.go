//go:build race

package iszr_test

// raceEnabled: gowsdl 0.5.0's Start writes one map from two goroutines, so
// the generation check runs only without -race.
const raceEnabled = true
