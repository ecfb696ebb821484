"""etcd, where a cluster really lives: its key layout, the values kube-apiserver stores there
(decoded without Go), etcd data files, and the only code that reads an etcd server."""
