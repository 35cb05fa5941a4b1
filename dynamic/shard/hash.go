package shard

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Key is the field whose hash places an object in the hash space, in the
// server's CEL-style form.
type Key string

// The keys the server shards on. uid spreads objects evenly; namespace keeps
// a namespace's objects together (and is "" for cluster-scoped objects, which
// then all share one hash).
const (
	KeyUID       Key = "object.metadata.uid"
	KeyNamespace Key = "object.metadata.namespace"
)

// Valid reports an error unless k is KeyUID or KeyNamespace.
func (k Key) Valid() error {
	switch k {
	case KeyUID, KeyNamespace:
		return nil
	}
	return fmt.Errorf("shard: key %q is neither %q nor %q", string(k), KeyUID, KeyNamespace)
}

// value is the field k names in obj.
func (k Key) value(obj metav1.Object) string {
	if k == KeyNamespace {
		return obj.GetNamespace()
	}
	return string(obj.GetUID())
}

// Hash is the position of a field's value in the hash space: 64-bit FNV-1a,
// the server's own hash (sharding.HashField, which writes the same number in
// hex; FuzzHashMatchesServer holds the two equal), computed here without
// allocating.
func Hash(value string) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for i := 0; i < len(value); i++ {
		h ^= uint64(value[i])
		h *= prime
	}
	return h
}

// HashOf is the hash of the field k names in obj (k valid).
func HashOf(k Key, obj metav1.Object) uint64 { return Hash(k.value(obj)) }
