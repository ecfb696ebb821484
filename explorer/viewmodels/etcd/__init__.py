"""The etcd pages' view models: pure functions of what was read from a cluster's etcd (or of a
snapshot's listing, or of the objects when nobody can read etcd), no I/O."""
