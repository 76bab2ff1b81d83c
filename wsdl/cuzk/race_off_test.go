//go:build !race

package cuzk_test

const raceEnabled = false
