package main

import "errors"

// exitError carries a process exit code through cobra: a command that has
// already printed its verdict (a deny, an invalid signature) returns it to
// exit non-zero without printing an error line.
type exitError struct{ code int }

func (e exitError) Error() string { return "" }

func exitCode(err error) int {
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 2
}
