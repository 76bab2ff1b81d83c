//go:build !race

package iszr_test

const raceEnabled = false
