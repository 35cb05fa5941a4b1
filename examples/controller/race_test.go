//go:build race

package main

// raceEnabled says the tests run with -race, so the controller binary the
// integration tests build is race-checked too.
const raceEnabled = true
