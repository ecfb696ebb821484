"""The only code that talks to a kube-apiserver: configuration, discovery, access, list + watch.

- `config`: kubeconfig (all contexts, merged `KUBECONFIG`) and in-cluster service accounts, one
  `Cluster(name, api_client)` per context; anything wrong is one `KubeConfigError` line.
- `discovery`, `access`: which catalogue resources are served, and which this user may list/watch.
- `watch.ClusterWatcher`: every resource listed then watched (one `reflector.Reflector` thread
  each) into a `sink.WatchSink`, as raw JSON dicts.
"""
