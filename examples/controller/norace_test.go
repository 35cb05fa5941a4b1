//go:build !race

package main

// raceEnabled says the tests run with -race (they do not).
const raceEnabled = false
