// Package pause holds the waiting that package dynamic and its subpackages
// (informer, follow, leader) share: a sleep that ends with its context, and
// a capped exponential backoff with jitter. It does no I/O of its own.
package pause
