// Package faultproxy is a TCP proxy for tests that sits between a client and
// a real server and breaks connections on command, to prove that clients
// survive dropped connections. It forwards bytes as they are (TLS passes
// through end to end, so the client still verifies the server) and listens
// on loopback only.
package faultproxy
