// Package shard splits the 64-bit hash space the API server shards on
// (KEP-5866, ShardedListAndWatch) among the replicas of a controller.
package shard
